// The rate-limiting plugin in a gateway, in process: counting, refusals, headers, policies and
// identifiers, with the clock set by the test (vi.setSystemTime) so that no case meets a window's end.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createGateway } from '../../../src/gateway.ts'
import { createLogger } from '../../../src/log.ts'
import { buildGatewayConfig } from '../../../src/model/declarative.ts'

/** 2026-03-04T05:06:07Z */
const NOW = Date.UTC(2026, 2, 4, 5, 6, 7)

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(NOW)
})
afterEach(() => {
  vi.useRealTimers()
})

type Doc = Record<string, unknown>

/** Routes answered by request-termination (200 `ok`), after rate-limiting when it lets them through. */
function gateway(document: Doc, options: { counterStores?: Parameters<typeof createGateway>[0]['counterStores'] } = {}) {
  const lines: string[] = []
  const log = createLogger('debug', (line) => lines.push(line))
  const handler = createGateway({ config: buildGatewayConfig({ _format_version: '3.0', ...document }, {}), env: {}, log, ...options })
  const send = async (path = '/', headers: Record<string, string> = {}) =>
    (await handler.handle(new Request(`http://gateway.test${path}`, { headers }))).response
  return { send, lines }
}

const ok = { name: 'request-termination', config: { status_code: 200, message: 'ok' } }
const route = (config: Doc, extra: Doc = {}) => ({ routes: [{ name: 'r', paths: ['/'], plugins: [{ name: 'rate-limiting', config }, ok] }], ...extra })

const rateHeaders = (response: Response) => Object.fromEntries([...response.headers].filter(([name]) => /ratelimit|retry-after/.test(name)))

describe('rate-limiting: counting with the local policy', () => {
  it('lets `minute` requests through, then refuses with 429 and Kong’s body, counting none of the refused', async () => {
    const { send } = gateway(route({ minute: 2 }))
    expect((await send()).status).toBe(200)
    expect((await send()).status).toBe(200)
    const refused = await send()
    expect(refused.status).toBe(429)
    expect(await refused.json()).toEqual({ message: 'API rate limit exceeded', request_id: expect.any(String) })
    vi.setSystemTime(NOW + 60_000)
    expect((await send()).status).toBe(200)
  })
})

describe('rate-limiting: the headers, as Kong computes them', () => {
  it('per period the limit and what is left after this request; RateLimit-* of the period with the least left; Retry-After on a refusal', async () => {
    const { send } = gateway(route({ minute: 2, hour: 5 }))
    expect(rateHeaders(await send())).toEqual({
      'x-ratelimit-limit-minute': '2',
      'x-ratelimit-remaining-minute': '1',
      'x-ratelimit-limit-hour': '5',
      'x-ratelimit-remaining-hour': '4',
      'ratelimit-limit': '2',
      'ratelimit-remaining': '1',
      // 05:06:07: 53 seconds to the minute's end.
      'ratelimit-reset': '53',
    })
    await send()
    // Refused: nothing is subtracted for this request, so the hour still has 3 left.
    expect(rateHeaders(await send())).toEqual({
      'x-ratelimit-limit-minute': '2',
      'x-ratelimit-remaining-minute': '0',
      'x-ratelimit-limit-hour': '5',
      'x-ratelimit-remaining-hour': '3',
      'ratelimit-limit': '2',
      'ratelimit-remaining': '0',
      'ratelimit-reset': '53',
      'retry-after': '53',
    })
  })
})
