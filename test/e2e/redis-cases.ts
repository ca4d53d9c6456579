// The rate-limiting plugin with the redis policy, end to end on Node and Deno (on Workers the
// policy is a config error): Kong's redis cases of spec/03-plugins/23-rate-limiting/04-access_spec.lua
// against the test redis-server, on the *.redis.test routes of test/support/gateway-config.ts.
// `live` cases need that server and are skipped by name without it; the others are about a
// Redis that is not there.
//
// Windows are real clock windows: a case counts on keys of its own (a fresh X-Limit-Key), and
// one whose window rolled over while it ran is run again with fresh keys (inWindow).

import { asAnotherClient } from '../support/window-retry.ts'
import { type Case, type ClientRequest, type E2E, get, json } from './harness.ts'
import { responseRlRedisCases } from './response-rl-cases.ts'

export type RedisCase = Case & { live?: boolean }

let sequence = 0
/** A limit key no other request of any run uses. */
export const freshKey = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${++sequence}`

const PERIOD_MS = { second: 1000, minute: 60_000, hour: 3_600_000 } as const

/** Runs `attempt` with a fresh key, once more with another if a window of `period` ended while it ran (test/support/window-retry.ts). */
export const inWindow = (period: keyof typeof PERIOD_MS, attempt: (key: string) => Promise<void>): Promise<void> =>
  asAnotherClient(PERIOD_MS[period], () => attempt(freshKey()))

const limitedGet = (host: string, key: string): ClientRequest & { host: string } => ({ ...get(host), headers: { 'x-limit-key': key } })

const rateHeaders = (response: Response) => Object.fromEntries([...response.headers].filter(([name]) => /ratelimit|retry-after/i.test(name)))

/** An answer the function gave (not the plugin's). */
async function passed(t: E2E, response: Response, what: string) {
  t.equal(response.status, 200, `${what}: status`)
  t.equal(response.headers.get('x-amzn-requestid'), 'foo', `${what}: from the function`)
  await response.body?.cancel()
}

/** A route limited to 2 a minute: two requests pass (1 then 0 left), the third is refused. */
async function expectTwoAMinute(t: E2E, host: string, key: string) {
  const first = await t.send(limitedGet(host, key))
  t.equal(first.headers.get('x-ratelimit-remaining-minute'), '1')
  await passed(t, first, 'first')
  await passed(t, await t.send(limitedGet(host, key)), 'second')
  t.equal((await t.send(limitedGet(host, key))).status, 429, 'the third is refused')
}

/** Kong's 500 for a Redis that fails with fault_tolerant off: its fixed text, nothing of the client's error, no limit headers. */
async function expectFixed500(t: E2E, response: Response) {
  t.equal(response.status, 500, 'status')
  const text = await response.text()
  t.equal(JSON.parse(text).message, 'An unexpected error occurred', 'message')
  t.equal(rateHeaders(response), {}, 'no rate-limit headers')
  for (const leak of ['redis', 'Redis', 'ECONN', 'certificate', 'timed out', '127.0.0.1']) {
    t.ok(!(text + [...response.headers].join('\n')).includes(leak), `the answer leaks ${leak}`)
  }
}

export const redisCases: RedisCase[] = [
  {
    name: 'RL-R1 redis: blocks when exceeding the minute limit, with Kong’s headers and body',
    live: true,
    run: (t) =>
      inWindow('minute', async (key) => {
        for (let i = 1; i <= 6; i++) {
          const response = await t.send(limitedGet('minute.redis.test', key))
          t.equal(response.headers.get('x-ratelimit-limit-minute'), '6', `request ${i}: limit`)
          t.equal(response.headers.get('x-ratelimit-remaining-minute'), String(6 - i), `request ${i}: remaining`)
          t.equal(response.headers.get('ratelimit-limit'), '6', `request ${i}: RateLimit-Limit`)
          t.equal(response.headers.get('ratelimit-remaining'), String(6 - i), `request ${i}: RateLimit-Remaining`)
          const reset = Number(response.headers.get('ratelimit-reset'))
          t.ok(reset > 0 && reset <= 60, `request ${i}: RateLimit-Reset within the minute`)
          await passed(t, response, `request ${i}`)
        }
        const refused = await t.send(limitedGet('minute.redis.test', key))
        t.equal(refused.status, 429, 'the 7th is refused')
        t.equal((await json(refused)).message, 'API rate limit exceeded')
        t.equal(refused.headers.get('x-ratelimit-remaining-minute'), '0')
        t.ok(Number(refused.headers.get('retry-after')) > 0, 'Retry-After')
      }),
  },
  {
    name: 'RL-R2 redis: each identifier has its own count (multiple headers)',
    live: true,
    run: (t) =>
      inWindow('minute', async (first) => {
        const second = freshKey()
        for (let i = 0; i < 6; i++) await passed(t, await t.send(limitedGet('minute.redis.test', first)), `first ${i + 1}`)
        t.equal((await t.send(limitedGet('minute.redis.test', first))).status, 429, 'the first key is spent')
        const other = await t.send(limitedGet('minute.redis.test', second))
        t.equal(other.headers.get('x-ratelimit-remaining-minute'), '5', 'the second key counts from its own zero')
        await passed(t, other, 'second')
      }),
  },
  {
    name: 'RL-R3 redis: handles multiple limits (minute and hour)',
    live: true,
    run: (t) =>
      inWindow('minute', async (key) => {
        const expected = [
          [2, 4, 2],
          [1, 3, 1],
          [0, 2, 0],
        ]
        for (const [i, [minute, hour, least]] of expected.entries()) {
          const response = await t.send(limitedGet('periods.redis.test', key))
          t.equal(
            [
              response.headers.get('x-ratelimit-remaining-minute'),
              response.headers.get('x-ratelimit-remaining-hour'),
              response.headers.get('ratelimit-remaining'),
            ],
            [String(minute), String(hour), String(least)],
            `request ${i + 1}: remaining minute, hour, least`,
          )
          t.equal(response.headers.get('x-ratelimit-limit-hour'), '5')
          await passed(t, response, `request ${i + 1}`)
        }
        const refused = await t.send(limitedGet('periods.redis.test', key))
        t.equal(refused.status, 429, 'the minute is spent')
        t.equal(refused.headers.get('x-ratelimit-remaining-hour'), '2', 'a refused request is not counted in the hour')
      }),
  },
  {
    name: 'RL-R4 redis: expire counter — the next second counts again',
    live: true,
    run: async (t) => {
      // Kong's case retries too: a second is short, the first request may land at its end.
      for (let run = 1; ; run++) {
        const key = freshKey()
        try {
          const first = await t.send(limitedGet('second.redis.test', key))
          t.equal([first.headers.get('x-ratelimit-limit-second'), first.headers.get('x-ratelimit-remaining-second')], ['1', '0'], 'first')
          await passed(t, first, 'first')
          t.equal((await t.send(limitedGet('second.redis.test', key))).status, 429, 'second in the same second')
          break
        } catch (error) {
          if (run >= 5) throw error
        }
      }
      const key = freshKey()
      await passed(t, await t.send(limitedGet('second.redis.test', key)), 'a fresh key')
      await new Promise((resolve) => setTimeout(resolve, 1100))
      await passed(t, await t.send(limitedGet('second.redis.test', key)), 'the same key a second later')
    },
  },
  {
    name: 'RL-R5 redis: hide_client_headers',
    live: true,
    run: (t) =>
      inWindow('minute', async (key) => {
        const response = await t.send(limitedGet('hidden.redis.test', key))
        t.equal(rateHeaders(response), {}, 'no rate-limit headers')
        await passed(t, response, 'first')
        await passed(t, await t.send(limitedGet('hidden.redis.test', key)), 'second')
        const refused = await t.send(limitedGet('hidden.redis.test', key))
        t.equal(refused.status, 429, 'the third is refused')
        t.equal(rateHeaders(refused), {}, 'no rate-limit headers on the refusal')
      }),
  },
  {
    name: 'RL-R6 redis: blocks with a custom error code and message',
    live: true,
    run: (t) =>
      inWindow('minute', async (key) => {
        await passed(t, await t.send(limitedGet('error.redis.test', key)), 'first')
        const refused = await t.send(limitedGet('error.redis.test', key))
        t.equal(refused.status, 404)
        t.equal((await json(refused)).message, 'Fake Not Found')
      }),
  },
  {
    name: 'RL-R7 redis: the deprecated redis_host/redis_port shorthands count on that Redis',
    live: true,
    run: (t) => inWindow('minute', (key) => expectTwoAMinute(t, 'shorthand.redis.test', key)),
  },
  {
    name: 'RL-R8 redis: ssl without ssl_verify counts over TLS, whatever the server name',
    live: true,
    run: (t) => inWindow('minute', (key) => expectTwoAMinute(t, 'tls.redis.test', key)),
  },
  {
    name: 'RL-R9 redis: ssl_verify refuses a certificate no trusted CA signed (fault_tolerant off: Kong’s 500)',
    live: true,
    async run(t) {
      await expectFixed500(t, await t.send(limitedGet('tls-verify.redis.test', freshKey())))
    },
  },
  {
    name: 'RL-R10 redis: does not work if an error occurs (fault_tolerant off: 500, no headers, no client error text)',
    async run(t) {
      const logged = t.logs().length
      await expectFixed500(t, await t.send(limitedGet('strict.redis.test', freshKey())))
      const lines = t.logs().slice(logged).join('\n')
      t.ok(lines.includes('rate-limiting: failed to get usage'), 'the reason is logged')
    },
  },
  {
    name: 'RL-R11 redis: keeps working if an error occurs (fault_tolerant on: the function answers, no headers)',
    async run(t) {
      const response = await t.send(limitedGet('tolerant.redis.test', freshKey()))
      t.equal(rateHeaders(response), {}, 'no rate-limit headers')
      await passed(t, response, 'tolerant')
    },
  },
  ...responseRlRedisCases,
]
