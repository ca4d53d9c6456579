// response-ratelimiting with the `cluster` policy inside workerd, through the Worker entry:
// Kong's spec/03-plugins/24-response-rate-limiting/04-access_spec.lua counting and fault cases on
// the Durable Objects of the binding wrangler.toml declares. The upstream is the echo server,
// whose X-Kong-Limit the request asks for (x-test-answer-header). An answer's cost is added after
// it is sent, in another call to the object: as Kong's spec waits for its timer, the cases wait
// until the count shows it.

import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { afterEach, beforeAll, describe, expect, inject, it, type MockInstance, vi } from 'vitest'
import { RateLimitCounters } from '../../src/runtime/workers/counters-object.ts'
import worker from '../../src/worker.ts'
import { asAnotherClient } from '../support/window-retry.ts'

const limited = (host: string, config: Record<string, unknown>) => ({
  name: host,
  hosts: [host],
  plugins: [{ name: 'response-ratelimiting', config: { policy: 'cluster', limit_by: 'ip', limits: { video: { minute: 3 } }, ...config } }],
})

const CONFIG = JSON.stringify({
  _format_version: '3.0',
  services: [
    {
      name: 'rrl-cluster-echo',
      url: inject('upstreamUrl'),
      routes: [
        limited('count.rrl-cluster.test', {}),
        limited('strict.rrl-cluster.test', { fault_tolerant: false }),
        limited('tolerant.rrl-cluster.test', { fault_tolerant: true }),
      ],
    },
  ],
})

// The gateway's request lines, not wanted in the test output.
beforeAll(() => void vi.spyOn(console, 'log').mockImplementation(() => {}))

let clients = 0
/** A client address no other case uses: counters are per address and outlive a case. */
const newClient = () => `203.0.113.${100 + ++clients}`

/** A request whose answer costs `cost` (none: costs nothing). */
async function send(host: string, from: string, cost?: string): Promise<Response> {
  const headers: Record<string, string> = { 'cf-connecting-ip': from, ...(cost ? { 'x-test-answer-header': `x-kong-limit: ${cost}` } : {}) }
  const response = await worker.fetch(new Request(`http://${host}/`, { headers }), { ...env, GATEWAY_CONFIG: CONFIG }, createExecutionContext())
  await response.arrayBuffer()
  return response
}

const remaining = (response: Response) => response.headers.get('x-ratelimit-remaining-video-minute')

/** Kong's wait_remaining_sync: the count shows what was added, seen by an answer that costs nothing. */
async function waitForRemaining(host: string, from: string, expected: string) {
  await vi.waitFor(async () => expect(remaining(await send(host, from))).toBe(expected), { timeout: 2000, interval: 20 })
}

describe('response-ratelimiting with policy cluster inside workerd', () => {
  it('returns remaining counter, then blocks if exceeding limit', () =>
    asAnotherClient(60_000, async () => {
      const from = newClient()
      for (const left of ['2', '1', '0']) {
        const response = await send('count.rrl-cluster.test', from, 'video=1')
        expect(response.status).toBe(200)
        expect(remaining(response)).toBe(left)
        expect(response.headers.get('x-kong-limit')).toBeNull()
        await waitForRemaining('count.rrl-cluster.test', from, left)
      }
      const refused = await send('count.rrl-cluster.test', from, 'video=1')
      expect(refused.status).toBe(429)
      expect(refused.headers.get('x-ratelimit-limit-video-minute')).toBe('3')
      expect(remaining(refused)).toBe('0')
    }))
})

describe('counting after the answer, on Workers', () => {
  it('the Worker keeps the counting alive past the answer (ctx.waitUntil): once it settles, the count shows it', () =>
    asAnotherClient(60_000, async () => {
      const from = newClient()
      const ctx = createExecutionContext()
      const waitUntil = vi.spyOn(ctx, 'waitUntil')
      const request = new Request('http://count.rrl-cluster.test/', { headers: { 'cf-connecting-ip': from, 'x-test-answer-header': 'x-kong-limit: video=2' } })
      const response = await worker.fetch(request, { ...env, GATEWAY_CONFIG: CONFIG }, ctx)
      expect(response.status).toBe(200)
      await response.arrayBuffer()
      expect(waitUntil).toHaveBeenCalledTimes(1)
      await waitOnExecutionContext(ctx)
      expect(remaining(await send('count.rrl-cluster.test', from))).toBe('1')
    }))
})

// Kong's fault-tolerance cases: here the Durable Object itself throws, as one does when its
// storage fails, until it is mended.
describe('a Durable Object that throws (response-ratelimiting, policy cluster)', () => {
  let spies: MockInstance[] = []
  afterEach(() => {
    for (const spy of spies) spy.mockRestore()
    spies = []
  })
  const breakIt = (method: 'read' | 'add') => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    spies.push(
      vi.spyOn(RateLimitCounters.prototype, method).mockImplementation(() => {
        throw new Error('SQLITE_IOERR: disk I/O error')
      }),
      logged,
    )
    return logged
  }

  it('fault_tolerant false: the sanitised 500 while it throws; once mended, answers are counted again', async () => {
    const from = newClient()
    const logged = breakIt('read')
    const failed = await worker.fetch(
      new Request('http://strict.rrl-cluster.test/', { headers: { 'cf-connecting-ip': from } }),
      { ...env, GATEWAY_CONFIG: CONFIG },
      createExecutionContext(),
    )
    expect(failed.status).toBe(500)
    expect(await failed.json()).toMatchObject({ message: 'An unexpected error occurred' })
    expect(logged.mock.calls.some(([line]) => String(line).includes('response-ratelimiting: failed to get usage'))).toBe(true)
    for (const spy of spies) spy.mockRestore()
    spies = []
    await asAnotherClient(60_000, async () => {
      const client = newClient()
      expect(remaining(await send('strict.rrl-cluster.test', client, 'video=1'))).toBe('2')
      await waitForRemaining('strict.rrl-cluster.test', client, '2')
    })
  })

  it('fault_tolerant true: the answer goes through without rate-limit headers, the failure logged', async () => {
    const logged = breakIt('read')
    const response = await send('tolerant.rrl-cluster.test', newClient(), 'video=1')
    expect(response.status).toBe(200)
    expect(remaining(response)).toBeNull()
    expect(response.headers.get('x-kong-limit')).toBeNull()
    expect(logged.mock.calls.some(([line]) => String(line).includes('response-ratelimiting: failed to get usage'))).toBe(true)
  })

  it('an object that throws when the answer is counted: the client has its answer, the failure is logged', async () => {
    const logged = breakIt('add')
    const response = await send('strict.rrl-cluster.test', newClient(), 'video=1')
    expect(response.status).toBe(200)
    expect(remaining(response)).toBe('2')
    await vi.waitFor(() => expect(logged.mock.calls.some(([line]) => String(line).includes('response-ratelimiting: could not count the answer'))).toBe(true))
  })
})
