// Every file in examples/ is valid as `npm run check` reads it, for Node and for Workers: the
// files the README points newcomers to must never rot.

import { readdirSync } from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { checkConfig } from '../../src/check.ts'

const FILES = readdirSync('examples').filter((name) => name.endsWith('.yml'))
// The secrets the examples read through vault references.
const ENV = { REPORTS_API_KEY: 'example-reports-key', SHOP_FRONTEND_KEY: 'example-shop-key' }

describe('examples/', () => {
  afterEach(() => vi.restoreAllMocks())

  it('holds one file per common case', () => {
    for (const name of ['my-function', 'api-gateway-v1', 'api-gateway-v2', 'async-event', 'streaming', 'key-auth', 'rate-limited', 'services']) {
      expect(FILES).toContain(`${name}.yml`)
    }
  })

  it.each(FILES.flatMap((name) => [[name, []] as const, [name, ['--workers']] as const]))('%s %j is valid', async (name, flags) => {
    const said: string[] = []
    vi.spyOn(console, 'log').mockImplementation((line) => void said.push(String(line)))
    vi.spyOn(console, 'error').mockImplementation((line) => void said.push(String(line)))
    expect(await checkConfig(['--config', `examples/${name}`, ...flags], ENV), said.join('\n')).toBe(true)
  })
})
