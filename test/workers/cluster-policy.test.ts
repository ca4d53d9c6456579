// Kong's rate-limiting access cases for the `cluster` policy
// (https://github.com/Kong/kong/blob/master/spec/03-plugins/23-rate-limiting/04-access_spec.lua),
// inside workerd through the Worker entry: counters in the Durable Objects of the binding
// wrangler.toml declares. `cluster` exists on Workers only, so these routes have a config of
// their own rather than a place in the shared e2e config (Node and Deno refuse the policy).

import { createExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { afterEach, beforeAll, describe, expect, inject, it, type MockInstance, vi } from 'vitest'
import { RateLimitCounters } from '../../src/runtime/workers/counters-object.ts'
import worker from '../../src/worker.ts'
import { withinOneWindow } from '../support/window-retry.ts'

const rateLimited = (host: string, config: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: host,
  hosts: [host],
  ...extra,
  plugins: [{ name: 'rate-limiting', config: { policy: 'cluster', limit_by: 'ip', ...config } }],
})

const CONFIG = JSON.stringify({
  _format_version: '3.0',
  consumers: [{ username: 'bob', keyauth_credentials: [{ key: 'test_credential' }] }],
  services: [
    {
      name: 'cluster-echo',
      url: inject('upstreamUrl'),
      routes: [
        rateLimited('ip.cluster.test', { minute: 6 }),
        rateLimited('hidden.cluster.test', { minute: 6, hide_client_headers: true }),
        rateLimited('multiple.cluster.test', { minute: 6, hour: 99999 }),
        rateLimited('second.cluster.test', { second: 1 }),
        rateLimited('custom.cluster.test', { minute: 1, error_code: 404, error_message: 'Fake Not Found' }),
        rateLimited('header.cluster.test', { minute: 6, limit_by: 'header', header_name: 'test-header' }),
        rateLimited('path.cluster.test', { minute: 6, limit_by: 'path', path: '/test' }, { paths: ['/test'] }),
        {
          ...rateLimited('consumer.cluster.test', { minute: 6, limit_by: 'consumer' }),
          plugins: [
            { name: 'key-auth', config: { key_names: ['test-key'] } },
            { name: 'rate-limiting', config: { policy: 'cluster', limit_by: 'consumer', minute: 6 } },
          ],
        },
        rateLimited('strict.cluster.test', { minute: 6, fault_tolerant: false }),
        rateLimited('tolerant.cluster.test', { minute: 6, fault_tolerant: true }),
      ],
    },
    // limit_by service: both routes of the service count together.
    {
      name: 'cluster-service',
      url: inject('upstreamUrl'),
      plugins: [{ name: 'rate-limiting', config: { policy: 'cluster', limit_by: 'service', minute: 6 } }],
      routes: [
        { name: 'service-a', hosts: ['a.service.cluster.test'] },
        { name: 'service-b', hosts: ['b.service.cluster.test'] },
      ],
    },
  ],
})

// The gateway's request lines, not wanted in the test output.
beforeAll(() => void vi.spyOn(console, 'log').mockImplementation(() => {}))

let clients = 0
/** A client address no other case uses: counters are per address and outlive a case. */
const newClient = () => `198.51.100.${++clients}`

async function send(host: string, from: string, headers: Record<string, string> = {}, path = '/test'): Promise<Response> {
  const request = new Request(`http://${host}${path}`, { headers: { 'cf-connecting-ip': from, ...headers } })
  return worker.fetch(request, { ...env, GATEWAY_CONFIG: CONFIG }, createExecutionContext())
}

interface Answers {
  status: number[]
  minuteLimit: (string | null)[]
  minuteRemaining: (string | null)[]
  limit: (string | null)[]
  remaining: (string | null)[]
  reset: number[]
  bodies: string[]
}

async function requests(n: number, fn: () => Promise<Response>): Promise<Answers> {
  const answers: Answers = { status: [], minuteLimit: [], minuteRemaining: [], limit: [], remaining: [], reset: [], bodies: [] }
  for (let i = 0; i < n; i++) {
    const response = await fn()
    answers.status.push(response.status)
    answers.minuteLimit.push(response.headers.get('x-ratelimit-limit-minute'))
    answers.minuteRemaining.push(response.headers.get('x-ratelimit-remaining-minute'))
    answers.limit.push(response.headers.get('ratelimit-limit'))
    answers.remaining.push(response.headers.get('ratelimit-remaining'))
    answers.reset.push(Number(response.headers.get('ratelimit-reset')))
    answers.bodies.push(await response.text())
  }
  return answers
}

/** Kong's validate_headers for a limit of 6 a minute and 7 requests. */
function expectSixAMinute(answers: Answers) {
  expect(answers.status).toEqual([200, 200, 200, 200, 200, 200, 429])
  expect(answers.minuteLimit).toEqual(Array(7).fill('6'))
  expect(answers.minuteRemaining).toEqual(['5', '4', '3', '2', '1', '0', '0'])
  expect(answers.limit).toEqual(Array(7).fill('6'))
  expect(answers.remaining).toEqual(['5', '4', '3', '2', '1', '0', '0'])
  for (const reset of answers.reset) expect(reset > 0 && reset <= 60, `RateLimit-Reset ${reset}`).toBe(true)
  expect(JSON.parse(answers.bodies[6] as string)).toMatchObject({ message: 'API rate limit exceeded' })
}

/** Kong's retry(): a case that ran across the turn of a minute runs once more, in the next one. */
const withinOneMinute = (run: () => Promise<void>) => withinOneWindow(60_000, run)

// A case run again waits for the next minute first.
describe('rate-limiting with policy cluster inside workerd (Kong 04-access_spec, policy cluster)', { timeout: 150_000 }, () => {
  it('blocks if exceeding limit (single ip)', () =>
    withinOneMinute(async () => {
      const from = newClient()
      const answers = await requests(7, () => send('ip.cluster.test', from))
      expectSixAMinute(answers)
    }))

  it('blocks if exceeding limit (multiple ip): each address has its own count', () =>
    withinOneMinute(async () => {
      const [first, second] = [newClient(), newClient()]
      expectSixAMinute(await requests(7, () => send('ip.cluster.test', first)))
      expectSixAMinute(await requests(7, () => send('ip.cluster.test', second)))
    }))

  it('hide_client_headers (single ip)', () =>
    withinOneMinute(async () => {
      const from = newClient()
      const answers = await requests(7, () => send('hidden.cluster.test', from))
      expect(answers.status).toEqual([200, 200, 200, 200, 200, 200, 429])
      const last = await send('hidden.cluster.test', from)
      expect(last.status).toBe(429)
      for (const name of [
        'x-ratelimit-limit-minute',
        'x-ratelimit-remaining-minute',
        'ratelimit-limit',
        'ratelimit-remaining',
        'ratelimit-reset',
        'retry-after',
      ])
        expect(last.headers.get(name), name).toBeNull()
      expect([...answers.minuteLimit, ...answers.limit, ...answers.remaining]).toEqual(Array(21).fill(null))
    }))

  it('handles multiple limits (single ip)', () =>
    withinOneMinute(async () => {
      const from = newClient()
      const hour: (string | null)[][] = []
      const answers = await requests(7, async () => {
        const response = await send('multiple.cluster.test', from)
        hour.push([response.headers.get('x-ratelimit-limit-hour'), response.headers.get('x-ratelimit-remaining-hour')])
        return response
      })
      expectSixAMinute(answers)
      // The refused request is not counted in the hour either.
      expect(hour).toEqual([...[99998, 99997, 99996, 99995, 99994, 99993].map((left) => ['99999', String(left)]), ['99999', '99993']])
    }))

  it("expire counter: a second's count is gone in the next second", async () => {
    const from = newClient()
    await withinOneWindow(1000, async () => {
      const first = await send('second.cluster.test', from)
      expect(first.status).toBe(200)
      expect([first.headers.get('ratelimit-limit'), first.headers.get('ratelimit-remaining')]).toEqual(['1', '0'])
      expect([first.headers.get('x-ratelimit-limit-second'), first.headers.get('x-ratelimit-remaining-second')]).toEqual(['1', '0'])
      const second = await send('second.cluster.test', from)
      expect(second.status).toBe(429)
      expect(await second.json()).toMatchObject({ message: 'API rate limit exceeded' })
    })
    // Into the next second: a new window, counted from 0.
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20))
    expect((await send('second.cluster.test', from)).status).toBe(200)
  })

  it('blocks with a custom error code and message', () =>
    withinOneMinute(async () => {
      const from = newClient()
      expect((await send('custom.cluster.test', from)).status).toBe(200)
      const refused = await send('custom.cluster.test', from)
      expect(refused.status).toBe(404)
      expect(await refused.json()).toMatchObject({ message: 'Fake Not Found' })
    }))

  it('blocks if exceeding limit (single header, multiple header)', () =>
    withinOneMinute(async () => {
      const [value, other] = [`h-${newClient()}`, `h-${newClient()}`]
      // Every request from a new address: the header is what is counted.
      expectSixAMinute(await requests(7, () => send('header.cluster.test', newClient(), { 'test-header': value })))
      expectSixAMinute(await requests(7, () => send('header.cluster.test', newClient(), { 'test-header': other })))
    }))

  it('blocks if exceeding limit (single path)', () =>
    withinOneMinute(async () => {
      // Counted by path, whoever asks: this case is its route's only client, and runs once per minute at most.
      expectSixAMinute(await requests(7, () => send('path.cluster.test', newClient())))
    }))

  it('blocks if exceeding limit (single consumer)', () =>
    withinOneMinute(async () => {
      expectSixAMinute(await requests(7, () => send('consumer.cluster.test', newClient(), { 'test-key': 'test_credential' })))
    }))

  it('blocks if exceeding limit (multiple service): the routes of a service count together', () =>
    withinOneMinute(async () => {
      let i = 0
      expectSixAMinute(await requests(7, () => send(i++ % 2 ? 'a.service.cluster.test' : 'b.service.cluster.test', newClient())))
    }))
})

// Kong's fault-tolerance cases for `cluster` drop its counters table; here the Durable Object
// itself throws, as one does when its storage fails, until it is mended.
describe('a Durable Object that throws (Kong 04-access_spec, fault tolerancy, policy cluster)', { timeout: 150_000 }, () => {
  let spies: MockInstance[] = []
  const mend = () => {
    for (const spy of spies) spy.mockRestore()
    spies = []
  }
  afterEach(mend)

  // The class the binding instantiates is this module's: its objects run in this isolate.
  function breakObjects() {
    const failed = vi.spyOn(RateLimitCounters.prototype, 'take').mockImplementation(() => {
      throw new Error('SQLITE_IOERR: disk I/O error')
    })
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    spies = [failed, logged]
    return { failed, logged }
  }

  it('fault_tolerant false: 500 without rate-limit headers, the error logged; mended, the next request is counted again', () =>
    withinOneMinute(async () => {
      const from = newClient()
      const before = await requests(2, () => send('strict.cluster.test', from))
      expect(before.status).toEqual([200, 200])
      expect(before.remaining).toEqual(['5', '4'])

      const { failed, logged } = breakObjects()
      const response = await send('strict.cluster.test', from)
      expect(failed).toHaveBeenCalled()
      expect(response.status).toBe(500)
      expect(await response.json()).toMatchObject({ message: 'An unexpected error occurred' })
      for (const name of ['x-ratelimit-limit-minute', 'x-ratelimit-remaining-minute', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'])
        expect(response.headers.get(name), name).toBeNull()
      const lines = logged.mock.calls.map(([line]) => JSON.parse(String(line)) as { msg: string; error?: string })
      const failure = lines.find((line) => line.msg === 'rate-limiting: failed to get usage')
      expect(failure?.error).toContain('disk I/O error')

      mend()
      const after = await requests(2, () => send('strict.cluster.test', from))
      expect(after.status).toEqual([200, 200])
      // The failed request was not counted; the ones after recovery are.
      expect(after.remaining).toEqual(['3', '2'])
    }))

  it('fault_tolerant true: the request passes without rate-limit headers; mended, the next request is counted again', () =>
    withinOneMinute(async () => {
      const from = newClient()
      expect((await requests(2, () => send('tolerant.cluster.test', from))).remaining).toEqual(['5', '4'])

      breakObjects()
      const response = await send('tolerant.cluster.test', from)
      expect(response.status).toBe(200)
      for (const name of ['x-ratelimit-limit-minute', 'x-ratelimit-remaining-minute', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'])
        expect(response.headers.get(name), name).toBeNull()

      mend()
      const after = await requests(5, () => send('tolerant.cluster.test', from))
      expect(after.remaining).toEqual(['3', '2', '1', '0', '0'])
      expect(after.status).toEqual([200, 200, 200, 200, 429])
    }))
})
