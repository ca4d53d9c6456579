// The reloader on its own: a configuration refused after it was built (its https certificates
// changed) has what it started stopped; the one served stays.

import { describe, expect, it, vi } from 'vitest'
import { createReloader, type LoadedConfig } from '../../src/cli/reload.ts'
import { createLogger } from '../../src/log.ts'
import type { GatewayCertificate } from '../../src/model/config.ts'

const certificate = (cert: string) => ({ id: cert, path: 'certificates[0]', tags: [], cert, key: 'key', snis: ['example.com'] }) as GatewayCertificate
const loaded = (served: GatewayCertificate[], close = vi.fn(async () => {})): LoadedConfig => ({
  handler: { handle: vi.fn(), close },
  hash: served.map((c) => c.cert).join(),
  document: {},
  served,
  routes: 0,
})

describe('createReloader', () => {
  it('closes a configuration it built and refused because the served certificates changed', async () => {
    const first = loaded([certificate('a')])
    const refused = loaded([certificate('b')])
    const reloader = createReloader(first, { file: 'kong.yml', load: () => refused, log: createLogger('error', () => {}) })
    await expect(reloader.apply(() => ({ text: 'b', document: {} }), 'POST /config')).rejects.toThrow()
    expect(refused.handler.close).toHaveBeenCalledTimes(1)
    expect(first.handler.close).not.toHaveBeenCalled()
    expect(reloader.current).toBe(first)
    expect(reloader.counts).toEqual({ reloads: 0, failures: 1 })
  })
})
