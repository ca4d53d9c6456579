// The end-to-end cases inside workerd, through the Worker entry (src/worker.ts) with the
// config and credentials as bindings; the Worker's outbound fetch reaches the mock Lambda.

import { exports } from 'cloudflare:workers'
import { beforeAll, describe, expect, inject, it, vi } from 'vitest'
import { cases, type E2E } from '../e2e/cases.ts'

// The Worker runs in this isolate: its log lines (LOG_LEVEL debug) are caught here.
const logLines: string[] = []
beforeAll(() => {
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void logLines.push(String(line)))
})

const CLIENT_IP = '203.0.113.7'

const t: E2E = {
  // Cloudflare's edge sets CF-Connecting-IP on every request that reaches a Worker.
  send: ({ host = 'gateway.test', path, method = 'GET', headers, body }) =>
    exports.default.fetch(new Request(`http://${host}${path}`, { method, headers: { 'cf-connecting-ip': CLIENT_IP, ...headers }, body })),
  invocations: async () => (await fetch(`${inject('mockUrl')}/__invocations`)).json(),
  equal: (actual, expected, what) => expect(actual, what).toEqual(expected),
  ok: (condition, what) => expect(condition, what).toBeTruthy(),
  logs: () => logLines,
  sourceIp: CLIENT_IP,
}

describe('Worker entry inside workerd', () => {
  it('runs in workerd', () => {
    expect(navigator.userAgent).toBe('Cloudflare-Workers')
  })
  for (const c of cases) {
    if (c.skipIn?.includes('workerd')) it.skip(c.name, () => {})
    else it(c.name, () => c.run(t))
  }
})
