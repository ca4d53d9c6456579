// The rate-limiting plugin with the local policy on every runtime: Kong's
// spec/03-plugins/23-rate-limiting/04-access_spec.lua access cases ported (routes in
// test/support/gateway-config.ts, hosts <name>.ratelimit.test, in front of the echo function).
// Windows are real clock windows: as Kong's spec, a case that fails after its window turned runs
// once more, in the next window (a failure within one window is a failure).

import { RATE_LIMITING_KEYS } from '../support/gateway-config.ts'
import { type Case, countInvocations, type E2E, json } from './harness.ts'

const MINUTE = 60_000

/** Runs `attempt`; if it fails and the window of `period` ms turned meanwhile, waits for the next window and runs it again. */
async function inOneWindow(attempt: () => Promise<void>, period = MINUTE) {
  const windowOf = () => Math.floor(Date.now() / period)
  const started = windowOf()
  try {
    await attempt()
  } catch (error) {
    if (windowOf() === started) throw error
    // Counts made after the turn are in the new window: start in a fresh one.
    await new Promise((resolve) => setTimeout(resolve, period - (Date.now() % period) + 50))
    await attempt()
  }
}

interface Sent {
  host: string
  path?: string
  headers?: Record<string, string>
  from?: string
}

const header = (response: Response, name: string) => {
  const value = response.headers.get(name)
  return value === null ? undefined : Number(value)
}

/** Kong's client_requests + validate_headers: 7 requests against a limit of 6 a minute. */
async function expectSixAMinute(t: E2E, request: Sent, what: string, hour = false) {
  const seen = { status: [] as number[], limit: [] as unknown[], remaining: [] as unknown[], minuteLimit: [] as unknown[], minuteRemaining: [] as unknown[] }
  for (let i = 0; i < 7; i++) {
    const response = await t.send({ path: '/test', ...request })
    await response.arrayBuffer()
    seen.status.push(response.status)
    seen.limit.push(header(response, 'ratelimit-limit'))
    seen.remaining.push(header(response, 'ratelimit-remaining'))
    seen.minuteLimit.push(header(response, 'x-ratelimit-limit-minute'))
    seen.minuteRemaining.push(header(response, 'x-ratelimit-remaining-minute'))
    const reset = header(response, 'ratelimit-reset') as number
    t.ok(reset >= 1 && reset <= 60, `${what}: RateLimit-Reset ${reset} within the minute`)
    if (hour) {
      t.equal(header(response, 'x-ratelimit-limit-hour'), 99999, `${what}: hour limit`)
      t.ok((header(response, 'x-ratelimit-remaining-hour') as number) >= 99999 - 7, `${what}: hour remaining`)
    }
  }
  t.equal(seen.status, [200, 200, 200, 200, 200, 200, 429], `${what}: statuses`)
  t.equal(seen.minuteLimit, [6, 6, 6, 6, 6, 6, 6], `${what}: X-RateLimit-Limit-Minute`)
  t.equal(seen.minuteRemaining, [5, 4, 3, 2, 1, 0, 0], `${what}: X-RateLimit-Remaining-Minute`)
  t.equal(seen.limit, [6, 6, 6, 6, 6, 6, 6], `${what}: RateLimit-Limit`)
  t.equal(seen.remaining, [5, 4, 3, 2, 1, 0, 0], `${what}: RateLimit-Remaining`)
}

const host = (name: string) => `${name}.ratelimit.test`

export const rateLimitingCases: Case[] = [
  {
    name: 'rate-limiting local: blocks when exceeding the limit (single ip), with Kong’s 429, Retry-After, and no invocation',
    timeoutMs: 150_000,
    async run(t) {
      await inOneWindow(async () => {
        await expectSixAMinute(t, { host: host('ip') }, 'ip')
        const before = await countInvocations(t, 'functionEcho')
        const refused = await t.send({ host: host('ip'), path: '/test' })
        t.equal(refused.status, 429, 'refused')
        t.equal(await json(refused), { message: 'API rate limit exceeded', request_id: refused.headers.get('x-request-id') }, 'body')
        const retryAfter = header(refused, 'retry-after') as number
        t.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`)
        t.equal(retryAfter, header(refused, 'ratelimit-reset'), 'Retry-After is RateLimit-Reset')
        t.equal(await countInvocations(t, 'functionEcho'), before, 'a refused request invokes nothing')
      })
    },
  },
  {
    name: 'rate-limiting local: each client address has its own count (multiple ip)',
    timeoutMs: 150_000,
    async run(t) {
      await inOneWindow(async () => {
        await expectSixAMinute(t, { host: host('ip-multiple'), from: '127.0.0.1' }, '127.0.0.1')
        await expectSixAMinute(t, { host: host('ip-multiple'), from: '127.0.0.3' }, '127.0.0.3')
      })
    },
  },
  {
    name: 'rate-limiting local: limit_by header counts each value apart, and a request without the header by its address',
    timeoutMs: 150_000,
    async run(t) {
      let attempt = 0
      await inOneWindow(async () => {
        attempt++
        await expectSixAMinute(t, { host: host('header'), headers: { 'test-header': `one-${attempt}` } }, 'value one')
        await expectSixAMinute(t, { host: host('header'), headers: { 'test-header': `two-${attempt}` } }, 'value two')
        await expectSixAMinute(t, { host: host('header') }, 'no header')
      })
    },
  },
  {
    name: 'rate-limiting local: limit_by path counts the configured path, another path by the client address',
    timeoutMs: 150_000,
    async run(t) {
      await inOneWindow(async () => {
        await expectSixAMinute(t, { host: host('path'), path: '/1-test' }, '/1-test')
        await expectSixAMinute(t, { host: host('path'), path: '/2-test' }, '/2-test')
      })
    },
  },
  {
    name: 'rate-limiting local: limit_by consumer and credential count each consumer apart',
    timeoutMs: 150_000,
    async run(t) {
      await inOneWindow(async () => {
        for (const by of ['consumer', 'credential']) {
          await expectSixAMinute(t, { host: host(by), headers: { 'test-key': RATE_LIMITING_KEYS.bob } }, `${by} bob`)
          await expectSixAMinute(t, { host: host(by), headers: { 'test-key': RATE_LIMITING_KEYS.alice } }, `${by} alice`)
        }
      })
    },
  },
  {
    name: 'rate-limiting local: a plugin on a service with limit_by service counts the requests of all its routes together',
    timeoutMs: 150_000,
    async run(t) {
      await inOneWindow(async () => {
        const statuses: number[] = []
        for (let i = 0; i < 7; i++) {
          const response = await t.send({ host: host(`service-${(i % 2) + 1}`), path: '/test' })
          await response.arrayBuffer()
          statuses.push(response.status)
        }
        t.equal(statuses, [200, 200, 200, 200, 200, 200, 429], 'one count for both routes')
      })
    },
  },
  {
    name: 'rate-limiting local: hide_client_headers sends none of the headers, on a pass or a refusal',
    timeoutMs: 150_000,
    async run(t) {
      await inOneWindow(async () => {
        const names = ['x-ratelimit-limit-minute', 'x-ratelimit-remaining-minute', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after']
        const statuses: number[] = []
        for (let i = 0; i < 7; i++) {
          const response = await t.send({ host: host('hidden'), path: '/test' })
          await response.arrayBuffer()
          statuses.push(response.status)
          t.equal(
            names.filter((name) => response.headers.has(name)),
            [],
            `request ${i + 1}: no rate-limit header`,
          )
        }
        t.equal(statuses, [200, 200, 200, 200, 200, 200, 429], 'still limited')
      })
    },
  },
  {
    name: 'rate-limiting local: several limits (minute and hour): RateLimit-* follow the one with the least left',
    timeoutMs: 150_000,
    async run(t) {
      await inOneWindow(async () => expectSixAMinute(t, { host: host('multiple-limits') }, 'minute and hour', true))
    },
  },
  {
    name: 'rate-limiting local: a second’s counter ends with its second (expire counter)',
    timeoutMs: 30_000,
    async run(t) {
      await inOneWindow(async () => {
        const first = await t.send({ host: host('second'), path: '/test' })
        t.equal(first.status, 200, 'first')
        t.equal(
          ['ratelimit-limit', 'ratelimit-remaining', 'x-ratelimit-limit-second', 'x-ratelimit-remaining-second'].map((name) => header(first, name)),
          [1, 0, 1, 0],
          'headers',
        )
        const second = await t.send({ host: host('second'), path: '/test' })
        t.equal([second.status, (await json(second)).message], [429, 'API rate limit exceeded'], 'second in the same second')
        await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 50))
        t.equal((await t.send({ host: host('second'), path: '/test' })).status, 200, 'in the next second')
      }, 1000)
    },
  },
  {
    name: 'rate-limiting local: blocks with a custom error code and message',
    timeoutMs: 150_000,
    async run(t) {
      await inOneWindow(async () => {
        t.equal((await t.send({ host: host('error-code'), path: '/test' })).status, 200, 'first')
        const refused = await t.send({ host: host('error-code'), path: '/test' })
        t.equal([refused.status, (await json(refused)).message], [404, 'Fake Not Found'], 'refused')
      })
    },
  },
]
