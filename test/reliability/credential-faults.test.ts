// Faults of the credential sources: STS failing while the gateway refreshes assumed-role
// credentials, and EC2 instance metadata failing or unreachable. Valid cached credentials keep
// serving; without any, the answer is Kong's generic 500 with nothing of STS's or IMDS's reply
// in it, the log says why, and once the source is back the gateway recovers by itself.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/cli/start.ts'
import { EXPIRY_MARGIN_MS, MIN_REFRESH_INTERVAL_MS } from '../../src/credentials/chain.ts'
import { expectSanitised } from '../e2e/harness.ts'
import { closedPort } from '../support/closed-port.ts'
import { TEST_ROLE_ARN } from '../support/gateway-config.ts'
import { captureLogs, hostRoutes, logsDuring, mockLambdaAt, startGateway, vitestAsserts, watchProcessErrors } from '../support/gateway-under-test.ts'
import { sendHttp } from '../support/http-client.ts'
import { type MockAws, startMockAws } from '../support/mock-aws.ts'
import { type MockImds, startMockImds } from '../support/mock-imds.ts'

const logs = captureLogs()
const processErrors = watchProcessErrors()
let aws: MockAws
let imds: MockImds
const gateways: RunningServer[] = []

beforeAll(async () => {
  aws = await startMockAws()
  imds = await startMockImds({ tables: aws.tables, mode: 'both' })
})
afterAll(async () => {
  processErrors.stop()
  await Promise.all(gateways.map((gateway) => gateway.close()))
  await Promise.all([aws?.close(), imds?.close()])
})
afterEach(() => expect(processErrors.errors).toEqual([]))

/** Routes: `keys.test` signs with the plugin's keys, `test` (the route under test) with `credentials`. */
async function gatewayWith(credentials: Record<string, unknown>, env: Record<string, string> = {}) {
  const lambda = { ...mockLambdaAt(aws.lambda.port), function_name: 'functionEcho' }
  const gateway = await startGateway(hostRoutes(lambda, { 'keys.test': {}, test: credentials }), env)
  gateways.push(gateway)
  return gateway
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The key that signed the Invoke call, read from the echo; fails on anything but 200. */
async function signer(response: Response): Promise<string> {
  const text = await response.text()
  expect(response.status, text).toBe(200)
  return /Credential=([^/]+)\//.exec(JSON.parse(text).headers.authorization)?.[1] ?? 'none'
}

/** A failed credential lookup: generic 500, none of the source's words in it; returns the log lines. */
async function expectCredentialFailure(gateway: RunningServer, ...leaks: string[]): Promise<string> {
  const [response, logged] = await logsDuring(logs, () => sendHttp(gateway.url, { path: '/', headers: { host: 'test' } }))
  const copy = response.clone()
  await expectSanitised(vitestAsserts, response, 500)
  const text = await copy.text()
  for (const leak of leaks) expect(text).not.toContain(leak)
  // The other routes are not affected.
  expect((await sendHttp(gateway.url, { path: '/', headers: { host: 'keys.test' } })).status).toBe(200)
  return logged
}

describe('STS failing during a refresh of assumed-role credentials', () => {
  it('still valid: signed with the cached ones; expired: sanitised 500; STS back: recovers', { timeout: 40_000 }, async () => {
    // STS writes whole seconds, so the credentials live 22-23 s: inside the refresh window at
    // once, usable for 7 s at least, then (under the 15 s margin) not any more.
    aws.sts.lifetimeMs = EXPIRY_MARGIN_MS + 8000
    const gateway = await gatewayWith({ aws_assume_role_arn: TEST_ROLE_ARN, aws_sts_endpoint_url: aws.sts.url })
    const send = () => sendHttp(gateway.url, { path: '/', headers: { host: 'test' } })
    const first = await signer(await send())
    aws.sts.failure = { status: 500, code: 'InternalFailure', message: 'STS had an internal error' }
    try {
      await sleep(MIN_REFRESH_INTERVAL_MS + 100)
      const [key, warned] = await logsDuring(logs, async () => signer(await send()))
      expect(key).toBe(first)
      expect(warned).toContain('refreshing AWS credentials failed; the cached ones stay in use until they expire: STS AssumeRole at')

      // The cached ones sign every request until they expire; the first refused one ends it.
      const givingUp = Date.now() + 30_000
      let served = 0
      for (let response = await send(); response.status === 200; response = await send()) {
        expect(await signer(response)).toBe(first)
        expect(Date.now(), 'the cached credentials should have expired by now').toBeLessThan(givingUp)
        served++
        await sleep(250)
      }
      // Seconds of validity were left after the failed refresh: some requests used them.
      expect(served).toBeGreaterThan(0)
      const logged = await expectCredentialFailure(gateway, 'InternalFailure', 'STS had an internal error', first)
      expect(logged).toMatch(
        /"level":"error","msg":"failed to get credentials: STS AssumeRole at http:\/\/127\.0\.0\.1:\d+\/? answered 500: InternalFailure: STS had an internal error"/,
      )
    } finally {
      aws.sts.failure = null
      aws.sts.lifetimeMs = 3600_000
    }
    await sleep(MIN_REFRESH_INTERVAL_MS + 100)
    expect(await signer(await send())).toMatch(/^ASIASTS/)
    expect(await signer(await send())).not.toBe(first)
  })
})

describe('EC2 instance metadata', () => {
  it('unreachable (nothing listens): sanitised 500, the log names every source tried', async () => {
    const port = await closedPort()
    const gateway = await gatewayWith(
      { aws_key: null, aws_secret: null },
      { AWS_EC2_METADATA_DISABLED: 'false', AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${port}` },
    )
    const logged = await expectCredentialFailure(gateway, `127.0.0.1:${port}`, 'metadata')
    expect(logged).toContain(`failed to get credentials: no AWS credentials found (`)
    expect(logged).toMatch(new RegExp(`EC2 instance metadata at http://127\\.0\\.0\\.1:${port} unreachable: [^"]*ECONNREFUSED`))
  })

  it('failing (500) then back: sanitised 500 meanwhile, credentials again afterwards', async () => {
    const gateway = await gatewayWith({ aws_key: null, aws_secret: null }, { AWS_EC2_METADATA_DISABLED: 'false', AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url })
    imds.failing = true
    try {
      const logged = await expectCredentialFailure(gateway, 'Internal Server Error')
      expect(logged).toContain('failed to get credentials: EC2 instance metadata answered 500 to the role name request')
    } finally {
      imds.failing = false
    }
    await sleep(MIN_REFRESH_INTERVAL_MS + 100)
    expect(await signer(await sendHttp(gateway.url, { path: '/', headers: { host: 'test' } }))).toMatch(/^ASIAIMDS/)
  })
})
