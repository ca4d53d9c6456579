// file-log inside workerd: a Worker has no file system, so a configuration with file-log is
// refused at load, every request answered 500 and the problem logged, naming http-log.

import { expect, it, vi } from 'vitest'
import worker from '../../src/worker.ts'

it('a configuration with file-log is refused: the 500, and the problem in the log naming the alternative', async () => {
  const lines: string[] = []
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)))
  const config = {
    _format_version: '3.0',
    routes: [{ name: 'r', paths: ['/'], plugins: [{ name: 'file-log', config: { path: '/tmp/gateway.log' } }] }],
  }
  const response = await worker.fetch(new Request('http://gateway.test/'), { GATEWAY_CONFIG: JSON.stringify(config) })
  expect(response.status).toBe(500)
  const logged = lines.map((line) => JSON.parse(line))
  expect(logged).toContainEqual(
    expect.objectContaining({
      msg: 'invalid configuration: the gateway cannot serve requests',
      problems: ['routes[0].plugins[0].config.path: not supported on Cloudflare Workers: a Worker has no file system; send the entries with http-log'],
    }),
  )
})
