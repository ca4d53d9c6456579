// HTTP/1.1 over a bare socket: the request goes out byte for byte as written (invalid escapes,
// non-UTF-8 bytes, repeated headers), which no HTTP client would send unchanged.

import { Buffer } from 'node:buffer'
import { connect } from 'node:net'

export interface RawAnswer {
  status: number
  /** Lower-case names; repeated headers in order. */
  headers: Array<[string, string]>
  body: Buffer
}

/**
 * The bytes of a request: `head` is the request line and header lines (latin1, so `\xff` is the
 * byte 0xff), then Connection: close and, with a body, its Content-Length.
 */
export function rawRequest(head: string, body?: string | Buffer): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'latin1') : body
  const length = bytes === undefined ? '' : `Content-Length: ${bytes.length}\r\n`
  return Buffer.concat([Buffer.from(`${head}\r\nConnection: close\r\n${length}\r\n`, 'latin1'), bytes ?? Buffer.alloc(0)])
}

/** Sends `request` (it should say `Connection: close`) and reads the answer until the server closes. */
export function rawExchange(baseUrl: string, request: string | Buffer): Promise<RawAnswer> {
  const url = new URL(baseUrl)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const socket = connect(Number(url.port), url.hostname, () => socket.write(request))
    // A server still waiting for bytes the request promised fails the exchange, not the test run.
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')))
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      try {
        resolve(parseAnswer(Buffer.concat(chunks)))
      } catch (error) {
        reject(error)
      }
    })
  })
}

/** Sends `request` and resolves with the first answer once its Content-Length body has arrived, the connection left open. */
export function rawAnswer(baseUrl: string, request: string | Buffer): Promise<RawAnswer> {
  const url = new URL(baseUrl)
  return new Promise((resolve, reject) => {
    let bytes = Buffer.alloc(0)
    const socket = connect(Number(url.port), url.hostname, () => socket.write(request))
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')))
    socket.on('error', reject)
    socket.on('data', (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk])
      const end = bytes.indexOf('\r\n\r\n')
      if (end === -1) return
      const answer = parseAnswer(bytes)
      if (answer.body.length < Number(header(answer, 'content-length') ?? 0)) return
      socket.destroy()
      resolve(answer)
    })
  })
}

function parseAnswer(bytes: Buffer): RawAnswer {
  const end = bytes.indexOf('\r\n\r\n')
  if (end === -1) throw new Error(`no complete HTTP answer: ${JSON.stringify(bytes.toString('latin1').slice(0, 200))}`)
  const [statusLine, ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n')
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)
  if (!status) throw new Error(`not an HTTP status line: ${statusLine}`)
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(':')
    return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]
  })
  let body = bytes.subarray(end + 4)
  if (headers.some(([name, value]) => name === 'transfer-encoding' && value === 'chunked')) body = dechunk(body)
  return { status: Number(status[1]), headers, body }
}

function dechunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = []
  let at = 0
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at)
    const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16)
    if (!(size > 0)) return Buffer.concat(parts)
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size))
    at = lineEnd + 2 + size + 2
  }
}

/** The value of the last `name` header, or undefined. */
export const header = (answer: RawAnswer, name: string) => answer.headers.findLast(([n]) => n === name)?.[1]

/** The e2e runners' `raw`: `head` sent as written to the gateway at `baseUrl`, the answer's body as text. */
export function rawSender(baseUrl: string): (head: string) => Promise<{ status: number; body: string }> {
  return async (head) => {
    const answer = await rawExchange(baseUrl, rawRequest(head))
    return { status: answer.status, body: answer.body.toString('utf8') }
  }
}
