// arrivedWhole: a body that has all arrived, unread, is taken in one read; anything else is left
// as it is for the streamed way (src/runtime/node/transport.ts).

import { once } from 'node:events'
import { createServer, type IncomingMessage } from 'node:http'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { arrivedWhole } from '../../../src/runtime/node/transport.ts'
import { until } from '../../support/server-limit-checks.ts'

/** Each request the server gets, unanswered until the test ends it. */
const arrived: IncomingMessage[] = []
const server = createServer((incoming) => void arrived.push(incoming))
let port: number

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as { port: number }).port
})
afterAll(() => {
  server.closeAllConnections()
  server.close()
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
