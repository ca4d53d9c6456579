// A real HTTP/1.1 client for the Node-side tests. Node's fetch will not send a custom Host
// header, and Kong's test routes are matched by host.

import { request as httpRequest } from 'node:http'
import type { ClientRequest } from '../e2e/cases.ts'


export function sendHttp(baseUrl: string, req: ClientRequest): Promise<Response> {
  const url = new URL(req.path, baseUrl)
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: req.method ?? 'GET', headers: req.headers, agent: false }, (incoming) => {
      const chunks: Buffer[] = []
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
      incoming.on('error', reject)
      incoming.on('end', () => {
        const headers = new Headers()
        for (let i = 0; i < incoming.rawHeaders.length; i += 2) headers.append(incoming.rawHeaders[i], incoming.rawHeaders[i + 1])
        const status = incoming.statusCode ?? 0
        const body = [101, 204, 205, 304].includes(status) ? null : Buffer.concat(chunks)
        resolve(new Response(body, { status, headers }))
      })
    })
    outgoing.on('error', reject)
    outgoing.end(req.body)
  })
}
