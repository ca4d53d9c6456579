// The credential chain end to end on the Node entry: the cases Node shares with Deno
// (credential-chain-cases.ts), then what only Node does here: an https endpoint through the
// proxy with ssl_verify off (Deno needs --allow-sys for it, which its suite does not grant).

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { RunningServer } from '../../src/cli/start.ts'
import { startNodeServer } from '../../src/node.ts'
import { type ChainFixture, chainCases, startChainFixture } from './credential-chain-cases.ts'

const logLines: string[] = []
let f: ChainFixture

beforeAll(async () => {
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void logLines.push(String(line)))
  f = await startChainFixture({
    start: startNodeServer,
    equal: (actual, expected, what) => expect(actual, what).toEqual(expected),
    ok: (condition, what) => expect(condition, what).toBeTruthy(),
    logs: () => logLines,
  })
})
afterAll(() => f.close())

describe('the credential chain on Node', () => {
  for (const c of chainCases) it(c.name, () => c.run(f))
})

describe('ssl_verify: false', () => {
  let gateway: RunningServer
  beforeAll(async () => {
    const a26 = { aws_key: 'mock-key', aws_secret: 'mock-secret', port: f.tlsLambda.port, disable_https: false, proxy_url: f.proxy.url, ssl_verify: false }
    gateway = await f.startGateway({}, { 'a26.test': a26 })
  })

  it('A26: an https endpoint is reached through a CONNECT tunnel (ssl_verify off for its self-signed certificate)', async () => {
    const response = await f.send(gateway, 'a26.test')
    expect(await f.signer(response.clone())).toBe('mock-key')
    expect((await response.json()).scheme).toBe('https')
    expect(f.proxy.seen).toContain(`CONNECT 127.0.0.1:${f.tlsLambda.port}`)
  })

  it('ssl_verify: false is announced at start', () => {
    expect(logLines.join('\n')).toContain('ssl_verify is off: TLS certificates of the Lambda and STS endpoints are not checked')
  })
})

it('no log line holds a secret or a token', () => f.expectNoSecretLogged())
