// The Worker's configuration in a KV namespace, inside workerd: read on the first request, read
// again once CONFIG_KV_REFRESH_SECONDS are over, swapped whole; a refused value leaves the one
// before serving, its problems logged once; nothing to serve at first is the 500 of an invalid
// GATEWAY_CONFIG.

import { createExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { afterEach, beforeEach, expect, it, type MockInstance, vi } from 'vitest'
import worker from '../../src/worker.ts'

const terminate = (message: string) => [{ name: 'request-termination', config: { status_code: 200, message } }]
const version = (v: number) =>
  JSON.stringify({
    _format_version: '3.0',
    routes: [
      { name: 'stable', paths: ['/stable'], plugins: terminate(`v${v}`) },
      { name: `only-${v}`, paths: [`/v${v}`], plugins: terminate(`only v${v}`) },
    ],
  })

let key = 0
let logged: MockInstance
beforeEach(() => {
  key++
  logged = vi.spyOn(console, 'error').mockImplementation(() => {})
  vi.spyOn(console, 'log').mockImplementation(() => {})
})
afterEach(() => vi.restoreAllMocks())

/** The Worker with the test namespace as CONFIG_KV, its key this test's own. */
async function get(path: string) {
  const bindings = { ...env, GATEWAY_CONFIG: undefined, CONFIG_KV: env.CONFIG_KV_TEST, CONFIG_KV_KEY: `kv-test-${key}`, CONFIG_KV_REFRESH_SECONDS: '1' }
  const response = await worker.fetch(new Request(`http://gateway.test${path}`), bindings, createExecutionContext())
  return [response.status, await response.text()]
}
const put = (text: string) => env.CONFIG_KV_TEST.put(`kv-test-${key}`, text)
const intervalOver = () => new Promise((resolve) => setTimeout(resolve, 1100))

it('serves the key, keeps it until the interval is over, then serves the changed value whole', async () => {
  await put(version(1))
  expect(await get('/stable')).toEqual([200, '{"message":"v1"}'])
  await put(version(2))
  // Within the interval the isolate does not ask KV again.
  expect(await get('/stable')).toEqual([200, '{"message":"v1"}'])
  await intervalOver()
  expect(await get('/stable')).toEqual([200, '{"message":"v2"}'])
  expect(await get('/v2')).toEqual([200, '{"message":"only v2"}'])
  expect((await get('/v1'))[0]).toBe(404)
})

it('a refused value leaves the configuration before serving, its problems logged once', async () => {
  await put(version(1))
  expect(await get('/stable')).toEqual([200, '{"message":"v1"}'])
  await put(JSON.stringify({ _format_version: '3.0', routes: [{ paths: ['/stable'], plugins: [{ name: 'no-such-plugin' }] }] }))
  await intervalOver()
  expect(await get('/stable')).toEqual([200, '{"message":"v1"}'])
  expect(await get('/v1')).toEqual([200, '{"message":"only v1"}'])
  const refusals = logged.mock.calls.map(([line]) => String(line)).filter((line) => line.includes('configuration not reloaded'))
  expect(refusals).toHaveLength(1)
  expect(refusals[0]).toContain('routes[0].plugins[0].name')
  await put('{ not json')
  await intervalOver()
  expect(await get('/stable')).toEqual([200, '{"message":"v1"}'])
  await put(version(3))
  await intervalOver()
  expect(await get('/stable')).toEqual([200, '{"message":"v3"}'])
})

it('with nothing good to serve yet (no key, or an invalid value) every request is the sanitised 500, as for an invalid GATEWAY_CONFIG', async () => {
  const [status, body] = await get('/stable')
  expect(status).toBe(500)
  expect(body).not.toContain('kv-test')
  const lines = logged.mock.calls.map(([line]) => String(line)).join('\n')
  expect(lines).toContain(`CONFIG_KV: has no key kv-test-${key}`)
  await put('{ not json')
  await intervalOver()
  expect((await get('/stable'))[0]).toBe(500)
  await put(version(1))
  await intervalOver()
  expect(await get('/stable')).toEqual([200, '{"message":"v1"}'])
})

it('GATEWAY_CONFIG beside the CONFIG_KV binding is refused: which one would be served is not guessed', async () => {
  await put(version(1))
  const bindings = { ...env, CONFIG_KV: env.CONFIG_KV_TEST, CONFIG_KV_KEY: `kv-test-${key}` }
  const response = await worker.fetch(new Request('http://gateway.test/stable'), bindings, createExecutionContext())
  expect(response.status).toBe(500)
  expect(logged.mock.calls.map(([line]) => String(line)).join('\n')).toContain('GATEWAY_CONFIG: set beside the CONFIG_KV binding')
})
