// A log collector on the loopback echo upstream (upstream-servers.ts), for http-log: what is sent
// to `/__logs/ID` is kept, and `GET /__logs/ID` answers it (LogsSeen). `?fail=N` answers the
// first N sends 500, for retries. Node and Deno serve it; the cases read it from workerd too.

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { LogsSeen } from './log-collector-types.ts'

const collected = new Map<string, LogsSeen>()

/** Answers a request to `/__logs/…`; false for any other path. */
export async function collectLogs(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
  const url = new URL(request.url ?? '/', 'http://collector')
  if (!url.pathname.startsWith('/__logs/')) return false
  const id = decodeURIComponent(url.pathname.slice('/__logs/'.length))
  const seen = collected.get(id) ?? { attempts: 0, received: [] }
  collected.set(id, seen)
  if (request.method === 'GET') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(seen))
    return true
  }
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  seen.attempts++
  if (seen.attempts <= Number(url.searchParams.get('fail') ?? 0)) {
    response.writeHead(500, { 'content-type': 'text/plain' }).end('collector refused')
    return true
  }
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]))
  seen.received.push({ method: request.method ?? '', headers, body: Buffer.concat(chunks).toString('utf8') })
  response.writeHead(200).end()
  return true
}
