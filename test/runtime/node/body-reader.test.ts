// The Node body reader asked for a body while its head is being handled, as the Lambda route
// asks (before its first await): the rest of the read that brought the head is parsed after
// that, so the reader waits for it and takes a body in it whole; a client gone or a broken body
// is still reported, however late the body is asked for.

import { createServer, type IncomingMessage } from 'node:http'
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Bytes } from '../../../src/encoding/base64.ts'
import { ClientGone } from '../../../src/pipeline/request.ts'
import { nodeBodyReader } from '../../../src/runtime/node/body-reader.ts'

/** What the server does with each request as its head arrives (called in the 'request' event). */
let onRequest: (incoming: IncomingMessage) => void = () => {}
const server = createServer((incoming) => onRequest(incoming))
let port: number

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as { port: number }).port
})
afterAll(() => {
  server.closeAllConnections()
  server.close()
})

const request = new Request('http://a/', { method: 'POST', body: 'unused' })

/** Sends `text` in one write; the reader is asked in the request event, `then` right after it. */
function readAtHead(text: string, then: (incoming: IncomingMessage) => void = () => {}) {
  return new Promise<{ body: Promise<Bytes | null>; incoming: IncomingMessage; client: Socket }>((resolve) => {
    const client = connect(port, '127.0.0.1')
    onRequest = (incoming) => {
      const body = nodeBodyReader(0)(request, { incoming }, 1024)
      body.catch(() => {})
      then(incoming)
      resolve({ body, incoming, client })
    }
    client.on('error', () => {})
    client.write(text)
  })
}

describe('nodeBodyReader asked while the head is handled', () => {
  it('takes a body that came with its head whole, never putting the message into flowing mode', async () => {
    const { body, incoming } = await readAtHead('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world')
    expect(incoming.complete).toBe(false)
    expect(new TextDecoder().decode((await body) ?? undefined)).toBe('hello world')
    expect(incoming.readableFlowing).toBeNull()
  })

  it('reads a body still arriving as it comes', async () => {
    const { body, client } = await readAtHead('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello')
    setTimeout(() => client.write(' world'), 20)
    expect(new TextDecoder().decode((await body) ?? undefined)).toBe('hello world')
  })

  it('is ClientGone when the message is destroyed while its head is handled', async () => {
    const { body } = await readAtHead('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world', (incoming) => incoming.destroy())
    await expect(body).rejects.toBeInstanceOf(ClientGone)
  })

  it('a body asked for after its client left (part of it in, the message closed) is ClientGone at once, not a wait', async () => {
    const closed = new Promise<IncomingMessage>((resolve) => {
      onRequest = (incoming) => incoming.once('close', () => resolve(incoming))
    })
    const client = connect(port, '127.0.0.1')
    client.on('error', () => {})
    client.write('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello')
    setTimeout(() => client.destroy(), 20)
    const incoming = await closed
    await expect(nodeBodyReader(0)(request, { incoming }, 1024)).rejects.toBeInstanceOf(ClientGone)
  })

  it('ends the read when the body in the same read is broken (Node answers it 400 and closes the connection)', async () => {
    const { body } = await readAtHead('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nbroken\r\n')
    await expect(body).rejects.toBeInstanceOf(ClientGone)
  })
})
