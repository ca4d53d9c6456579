// The Deno relay's framing (src/runtime/deno/websocket-frames.ts), checked against the `ws`
// package's own parser and sender: an implementation independent of ours.

import { describe, expect, it } from 'vitest'
import * as ws from 'ws'
import { BINARY, CLOSE, closePayload, frame, frameReader, TEXT } from '../../../src/runtime/deno/websocket-frames.ts'

interface Parser {
  on(event: string, listener: (...args: any[]) => void): void
  write(chunk: Buffer, done: () => void): void
}
interface Writer {
  send(data: Buffer, options: { binary: boolean; fin: boolean; mask: boolean; compress: boolean; rsv1: boolean }): void
}
// ws's parser and sender: exported by the package, left out of its type declarations.
const { Receiver, Sender } = ws as unknown as { Receiver: new (options: { isServer: boolean }) => Parser; Sender: new (socket: unknown) => Writer }

/** What ws's server-side parser reads from `bytes` (it requires masked frames, as a server must). */
function parsedByWs(bytes: Uint8Array): Promise<Array<{ data: Buffer; binary: boolean }>> {
  return new Promise((resolve, reject) => {
    const messages: Array<{ data: Buffer; binary: boolean }> = []
    const receiver = new Receiver({ isServer: true })
    receiver.on('message', (data: Buffer, binary: boolean) => messages.push({ data, binary }))
    receiver.on('error', reject)
    receiver.write(Buffer.from(bytes), () => resolve(messages))
  })
}

/** What ws's server-side sender writes for `data` (unmasked, fragmented as asked). */
function sentByWs(parts: Array<{ data: Buffer; binary: boolean; fin: boolean }>): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  const socket = { write: (chunk: Buffer) => chunks.push(Buffer.from(chunk)), cork() {}, uncork() {} }
  const sender = new Sender(socket)
  for (const { data, binary, fin } of parts) sender.send(data, { binary, fin, mask: false, compress: false, rsv1: false })
  return Promise.resolve(new Uint8Array(Buffer.concat(chunks)))
}

describe('websocket frames', () => {
  it.each([0, 1, 125, 126, 65_535, 65_536, 200_000])('a %i-byte frame the relay sends is read by ws whole, unmasked', async (size) => {
    const payload = new Uint8Array(size).map((_, i) => i % 251)
    const [message] = await parsedByWs(frame(BINARY, payload))
    expect(message.binary).toBe(true)
    // Compared as a whole: a diff of 200 000 numbers would take vitest minutes to print.
    expect(Buffer.from(payload).equals(message.data), 'the same bytes').toBe(true)
  })

  it('reads frames ws sends, however the bytes are split (one byte at a time), fragments in order', async () => {
    const bytes = await sentByWs([
      { data: Buffer.from('frag'), binary: false, fin: false },
      { data: Buffer.from('mented'), binary: false, fin: true },
      { data: Buffer.alloc(70_000, 7), binary: true, fin: true },
    ])
    const frames: Array<[boolean, number, number]> = []
    const read = frameReader(
      (fin, opcode, payload) => frames.push([fin, opcode, payload.byteLength]),
      (code) => frames.push([false, -1, code]),
    )
    for (let i = 0; i < bytes.byteLength; i++) read(bytes.subarray(i, i + 1))
    expect(frames).toEqual([
      [false, TEXT, 4],
      [true, 0, 6],
      [true, BINARY, 70_000],
    ])
  })

  it('unmasks a masked frame, and fails with 1002 on reserved bits (no extension was agreed)', () => {
    const got: Array<[number, string]> = []
    const read = frameReader(
      (_fin, opcode, payload) => got.push([opcode, new TextDecoder().decode(payload)]),
      (code) => got.push([code, 'failed']),
    )
    read(frame(TEXT, new TextEncoder().encode('masked')))
    const compressed = frame(TEXT, new Uint8Array([1]))
    compressed[0] |= 0x40
    read(compressed)
    expect(got).toEqual([
      [TEXT, 'masked'],
      [1002, 'failed'],
    ])
  })

  it('a close frame carries its code and reason', async () => {
    const closes: Array<[number, string]> = []
    const receiver = new Receiver({ isServer: true })
    receiver.on('conclude', (code: number, reason: Buffer) => closes.push([code, reason.toString()]))
    await new Promise<void>((resolve) => receiver.write(Buffer.from(frame(CLOSE, closePayload(4001, 'bye'))), resolve))
    expect(closes).toEqual([[4001, 'bye']])
  })
})
