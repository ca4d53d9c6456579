// The end-to-end cases inside workerd, through the Worker entry (src/worker.ts) with the
// config and credentials as bindings; the Worker's outbound fetch reaches the mock Lambda.

import { createExecutionContext } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import worker from '../../src/worker.ts'
import { beforeAll, describe, expect, inject, it, vi } from 'vitest'
import { cases, type E2E } from '../e2e/cases.ts'

// The Worker runs in this isolate: its log lines (LOG_LEVEL debug) are caught here.
const logLines: string[] = []
beforeAll(() => {
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void logLines.push(String(line)))
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void logLines.push(String(line)))
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

describe('what Workers cannot do is a config error naming the field', () => {
  it.each([
    ['proxy_url', { proxy_url: 'http://127.0.0.1:3128' }, 'a forward proxy is not supported on this runtime (Cloudflare Workers)'],
    ['ssl_verify', { ssl_verify: false }, 'TLS verification cannot be turned off on this runtime (Cloudflare Workers)'],
  ])('%s', async (field, setting, reason) => {
    const config = {
      _format_version: '3.0',
      routes: [{ name: 'r', paths: ['/'], plugins: [{ name: 'aws-lambda', config: { function_name: 'f', aws_region: 'us-east-1', ...setting } }] }],
    }
    const before = logLines.length
    const response = await worker.fetch(new Request('http://gateway.test/'), { ...env, GATEWAY_CONFIG: JSON.stringify(config) }, createExecutionContext())
    expect(response.status).toBe(500)
    const logged = logLines.slice(before).join('\n')
    expect(logged).toContain(`routes[0].plugins[0].config.${field}: ${reason}`)
  })
})
