// The fetch upstream transport (Workers) with fetch stubbed: when it says a try's answer is over.

import { afterEach, describe, expect, it, vi } from 'vitest'
import { fetchUpstreamTransport } from '../../src/proxy/fetch-transport.ts'
import type { UpstreamFailure, UpstreamRequest } from '../../src/proxy/upstream-transport.ts'

const request = (answerEnded: () => void): UpstreamRequest => ({
  protocol: 'http',
  host: 'up.test',
  port: 80,
  method: 'GET',
  target: '/',
  headers: [['host', 'up.test']],
  body: null,
  runtime: undefined,
  timeouts: { connectMs: 1000, writeMs: 1000, readMs: 1000 },
  answerEnded,
})

/** fetch answering a body of two chunks, or none. */
function answering(chunks: string[] | null) {
  vi.stubGlobal('fetch', async () => {
    if (chunks === null) return new Response(null, { status: 204 })
    const encoder = new TextEncoder()
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk))
        controller.close()
      },
    })
    return new Response(body)
  })
}

afterEach(() => vi.unstubAllGlobals())

describe('the fetch upstream transport', () => {
  it("a name that does not exist fails at stage resolve (Kong's 503, never retried); a refused connection at stage connect", async () => {
    const failing = (code: string) =>
      vi.stubGlobal('fetch', async () => {
        throw new TypeError('fetch failed', { cause: Object.assign(new Error(`getaddrinfo ${code} up.test`), { code }) })
      })
    const stage = async () => ((await fetchUpstreamTransport(request(() => {})).catch((error) => error)) as UpstreamFailure).stage
    failing('ENOTFOUND')
    expect(await stage()).toBe('resolve')
    failing('ECONNREFUSED')
    expect(await stage()).toBe('connect')
  })

  it('says the answer is over when its body was read to its end, or cancelled, or at once when it has none', async () => {
    let ended = 0
    answering(['a', 'b'])
    const read = await fetchUpstreamTransport(request(() => void ended++))
    expect(ended).toBe(0)
    expect(await read.text()).toBe('ab')
    expect(ended).toBe(1)
    const cancelled = await fetchUpstreamTransport(request(() => void ended++))
    await cancelled.body?.cancel()
    expect(ended).toBe(2)
    answering(null)
    await fetchUpstreamTransport(request(() => void ended++))
    expect(ended).toBe(3)
  })
})
