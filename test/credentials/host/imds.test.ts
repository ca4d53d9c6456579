// EC2 instance metadata credentials (docs/aws-protocols.md#instance-metadata) against the mock IMDS
// on loopback, reached through AWS_EC2_METADATA_SERVICE_ENDPOINT.

import { afterEach, describe, expect, it } from 'vitest'
import { fromInstanceMetadata } from '../../../src/credentials/host/imds.ts'
import { CredentialsNotFound } from '../../../src/credentials/types.ts'
import { ConfigError } from '../../../src/model/validate.ts'
import { directFetch } from '../../../src/runtime/node/transport.ts'
import { closedPort } from '../../support/closed-port.ts'
import { type CredentialTables, credentialTables, expirationOf } from '../../support/credential-tables.ts'
import { failure } from '../../support/expect-error.ts'
import { type MockImds, type MockImdsOptions, startMockImds } from '../../support/mock-imds.ts'

const TOKEN_PATH = '/latest/api/token'
const LIST_PATH = '/latest/meta-data/iam/security-credentials/'

const started: MockImds[] = []
let tables: CredentialTables

async function imds(options: Omit<MockImdsOptions, 'tables'>): Promise<MockImds> {
  tables = credentialTables()
  const mock = await startMockImds({ tables, ...options })
  started.push(mock)
  return mock
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((mock) => mock.close()))
})

/** What the tables hold for the key the mock issued, expiry to the second as IMDS writes it. */
function issued(accessKeyId: string) {
  const expiration = expirationOf(tables, accessKeyId)!
  return {
    accessKeyId,
    secretAccessKey: tables.secrets[accessKeyId],
    sessionToken: tables.sessionTokens[accessKeyId],
    expiration: new Date(Math.floor(expiration.getTime() / 1000) * 1000),
  }
}

const summary = (mock: MockImds) => mock.calls.map((call) => `${call.method} ${call.path}`)

describe('fromInstanceMetadata', () => {
  it('IMDSv2: PUTs for a token with a 6 h TTL and sends it on both GETs', async () => {
    const mock = await imds({ mode: 'v2-only' })
    const credentials = await fromInstanceMetadata({ AWS_EC2_METADATA_SERVICE_ENDPOINT: mock.url }, directFetch, 'v1')()
    expect(summary(mock)).toEqual([`PUT ${TOKEN_PATH}`, `GET ${LIST_PATH}`, `GET ${LIST_PATH}gateway-role`])
    const [put, list, get] = mock.calls
    expect(put).toMatchObject({ ttl: '21600', token: null })
    expect(list.token).toEqual(expect.any(String))
    expect(get.token).toBe(list.token)
    expect(list.ttl).toBeNull()
    expect(credentials).toEqual({ ...issued(credentials.accessKeyId), source: 'instance metadata (role gateway-role, IMDSv2)' })
  })

  it('works in v2 mode against an IMDSv2-only instance, and strips a trailing slash from the endpoint', async () => {
    const mock = await imds({ mode: 'v2-only', role: 'other-role' })
    const credentials = await fromInstanceMetadata({ AWS_EC2_METADATA_SERVICE_ENDPOINT: `${mock.url}/` }, directFetch, 'v2')()
    expect(summary(mock)).toEqual([`PUT ${TOKEN_PATH}`, `GET ${LIST_PATH}`, `GET ${LIST_PATH}other-role`])
    expect(credentials.source).toBe('instance metadata (role other-role, IMDSv2)')
  })

  it.each([403, 404, 405])('IMDSv1: a token PUT answered %i falls back to v1, and later calls skip the PUT', async (tokenStatus) => {
    const mock = await imds({ mode: 'v1-only', tokenStatus })
    const provider = fromInstanceMetadata({ AWS_EC2_METADATA_SERVICE_ENDPOINT: mock.url }, directFetch, 'v1')
    const first = await provider()
    expect(summary(mock)).toEqual([`PUT ${TOKEN_PATH}`, `GET ${LIST_PATH}`, `GET ${LIST_PATH}gateway-role`])
    expect(mock.calls.slice(1).map((call) => call.token)).toEqual([null, null])
    expect(first).toEqual({ ...issued(first.accessKeyId), source: 'instance metadata (role gateway-role, IMDSv1)' })

    mock.calls.length = 0
    const second = await provider()
    expect(summary(mock)).toEqual([`GET ${LIST_PATH}`, `GET ${LIST_PATH}gateway-role`])
    expect(second.source).toBe('instance metadata (role gateway-role, IMDSv1)')
  })

  it('asks for a token again once the instance requires IMDSv2 (a GET answered 401)', async () => {
    const mock = await imds({ mode: 'v1-only' })
    const provider = fromInstanceMetadata({ AWS_EC2_METADATA_SERVICE_ENDPOINT: mock.url }, directFetch, 'v1')
    await provider()
    mock.mode = 'v2-only'
    mock.calls.length = 0
    const error = await failure(provider())
    expect(error.message).toContain('401')
    expect(summary(mock)).toEqual([`GET ${LIST_PATH}`])
    mock.calls.length = 0
    expect((await provider()).source).toBe('instance metadata (role gateway-role, IMDSv2)')
    expect(summary(mock)[0]).toBe(`PUT ${TOKEN_PATH}`)
  })

  it('has no IMDSv1 fallback in v2 mode', async () => {
    const mock = await imds({ mode: 'v1-only', tokenStatus: 403 })
    const error = await failure(fromInstanceMetadata({ AWS_EC2_METADATA_SERVICE_ENDPOINT: mock.url }, directFetch, 'v2')())
    expect(error).not.toBeInstanceOf(CredentialsNotFound)
    expect(error.message).toContain('403')
    expect(error.message).toContain('no IMDSv1 fallback')
    expect(summary(mock)).toEqual([`PUT ${TOKEN_PATH}`])
  })

  it('does not fall back when the token PUT answers 400', async () => {
    const mock = await imds({ mode: 'v1-only', tokenStatus: 400 })
    const error = await failure(fromInstanceMetadata({ AWS_EC2_METADATA_SERVICE_ENDPOINT: mock.url }, directFetch, 'v1')())
    expect(error).not.toBeInstanceOf(CredentialsNotFound)
    expect(error.message).toContain('refused the IMDSv2 token request with 400')
    expect(error.message).not.toContain('fallback')
    expect(summary(mock)).toEqual([`PUT ${TOKEN_PATH}`])
  })

  it.each(['true', 'TRUE', '1'])('AWS_EC2_METADATA_DISABLED=%s: nothing to offer, and no request', async (value) => {
    const mock = await imds({ mode: 'v2-only' })
    const error = await failure(fromInstanceMetadata({ AWS_EC2_METADATA_DISABLED: value, AWS_EC2_METADATA_SERVICE_ENDPOINT: mock.url }, directFetch, 'v1')())
    expect(error).toBeInstanceOf(CredentialsNotFound)
    expect(error.message).toContain('AWS_EC2_METADATA_DISABLED')
    expect(mock.calls).toEqual([])
  })

  it.each(['false', 'False'])('AWS_EC2_METADATA_DISABLED=%s: used', async (value) => {
    const mock = await imds({ mode: 'v2-only' })
    const credentials = await fromInstanceMetadata({ AWS_EC2_METADATA_DISABLED: value, AWS_EC2_METADATA_SERVICE_ENDPOINT: mock.url }, directFetch, 'v1')()
    expect(credentials.accessKeyId).toMatch(/^ASIAIMDS\d+$/)
    expect(mock.calls).toHaveLength(3)
  })

  it('says no IAM role is attached', async () => {
    const mock = await imds({ mode: 'v2-only' })
    mock.role = null
    const error = await failure(fromInstanceMetadata({ AWS_EC2_METADATA_SERVICE_ENDPOINT: mock.url }, directFetch, 'v1')())
    expect(error).not.toBeInstanceOf(CredentialsNotFound)
    expect(error.message).toContain('404')
    expect(error.message).toContain('no IAM role is attached')
    expect(summary(mock)).toEqual([`PUT ${TOKEN_PATH}`, `GET ${LIST_PATH}`])
  })

  it('fails with the status when IMDS answers 500', async () => {
    const mock = await imds({ mode: 'v2-only' })
    mock.failing = true
    const error = await failure(fromInstanceMetadata({ AWS_EC2_METADATA_SERVICE_ENDPOINT: mock.url }, directFetch, 'v1')())
    expect(error).not.toBeInstanceOf(CredentialsNotFound)
    expect(error.message).toContain('500')
  })

  it('has nothing to offer when the endpoint is unreachable', async () => {
    const port = await closedPort()
    const endpoint = `http://127.0.0.1:${port}`
    const error = await failure(fromInstanceMetadata({ AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint }, directFetch, 'v1')())
    expect(error).toBeInstanceOf(CredentialsNotFound)
    expect(error.message).toContain(`EC2 instance metadata at ${endpoint} unreachable`)
    expect(error.message).toContain('ECONNREFUSED')
  })

  it('refuses an endpoint that is not a URL, naming the variable', () => {
    let error: unknown
    try {
      fromInstanceMetadata({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'not a url' }, directFetch, 'v1')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).problems.map((p) => p.path)).toEqual(['AWS_EC2_METADATA_SERVICE_ENDPOINT'])
  })
})
