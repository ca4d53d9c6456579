// arrivedWhole: a body that has all arrived, unread, is taken in one read; anything else is left
// as it is for the streamed way (src/runtime/node/transport.ts). And the Node body reader asked
// for a body while its head is being handled, as the Lambda route asks (before its first await):
// the rest of the read that brought the head is parsed after that, so the reader waits for it
// and takes a body in it whole; a client gone or a broken body is still reported, however late
// the body is asked for.

import { once } from 'node:events'
import { createServer, type IncomingMessage } from 'node:http'
import { connect, type Socket } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Bytes } from '../../../src/encoding/base64.ts'
import { ClientGone } from '../../../src/pipeline/request.ts'
import { nodeBodyReader } from '../../../src/runtime/node/body-reader.ts'
import { arrivedWhole } from '../../../src/runtime/node/transport.ts'
import { until } from '../../support/server-limit-checks.ts'

/** Each request the server gets, unanswered until the test ends it. */
const arrived: IncomingMessage[] = []
const keep = (incoming: IncomingMessage) => void arrived.push(incoming)
/** What the server does with each request as its head arrives (called in the 'request' event). */
let onRequest: (incoming: IncomingMessage) => void = keep
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
afterEach(() => {
  onRequest = keep
})

/** Sends `text` on a new connection and returns the request the server got, and the socket to send more. */
async function sent(text: string) {
  const socket = connect(port, '127.0.0.1')
  socket.write(text)
  const before = arrived.length
  await until(() => arrived.length > before, 'the request')
  return { incoming: arrived[before], socket }
}

const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes))

describe('arrivedWhole', () => {
  it('takes a body that has all arrived in one read, and the message then ends', async () => {
    const { incoming, socket } = await sent('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world')
    await until(() => incoming.complete, 'the whole body')
    expect(text(arrivedWhole(incoming))).toBe('hello world')
    await once(incoming, 'end')
    socket.destroy()
  })

  it('an empty body is empty bytes', async () => {
    const { incoming, socket } = await sent('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n')
    await until(() => incoming.complete, 'the message')
    expect(arrivedWhole(incoming)?.byteLength).toBe(0)
    socket.destroy()
  })

  it('leaves a body still arriving untouched: read later, it is whole', async () => {
    const { incoming, socket } = await sent('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello')
    expect(arrivedWhole(incoming)).toBeUndefined()
    socket.write(' world')
    const chunks: Buffer[] = []
    for await (const chunk of incoming) chunks.push(chunk as Buffer)
    expect(Buffer.concat(chunks).toString()).toBe('hello world')
    socket.destroy()
  })

  it('leaves a message destroyed after it all arrived (its client gone) alone: read now, it would give no body', async () => {
    const { incoming, socket } = await sent('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok')
    await until(() => incoming.complete, 'the whole body')
    incoming.destroy()
    expect(arrivedWhole(incoming)).toBeUndefined()
    socket.destroy()
  })

  it('leaves a body something else reads (flowing or paused) to that reader', async () => {
    const { incoming, socket } = await sent('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok')
    await until(() => incoming.complete, 'the whole body')
    incoming.pause()
    expect(arrivedWhole(incoming)).toBeUndefined()
    incoming.resume()
    const [chunk] = (await once(incoming, 'data')) as [Buffer]
    expect(chunk.toString()).toBe('ok')
    socket.destroy()
  })
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
