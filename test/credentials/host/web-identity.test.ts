// EKS IRSA: AssumeRoleWithWebIdentity (docs/aws-protocols.md#web-identity) against the mock STS on
// loopback, with token files in a temp directory.

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromWebIdentity } from '../../../src/credentials/host/web-identity.ts'
import { type StsEndpoint, StsError } from '../../../src/credentials/sts.ts'
import { CredentialsNotFound } from '../../../src/credentials/types.ts'
import { nodeTransport } from '../../../src/runtime/node/transport.ts'
import type { Fetch } from '../../../src/transport.ts'
import { type CredentialTables, credentialTables, expirationOf } from '../../support/credential-tables.ts'
import { configError, failure } from '../../support/expect-error.ts'
import { type MockSts, startMockSts } from '../../support/mock-sts.ts'

const ROLE_ARN = 'arn:aws:iam::123456789012:role/irsa-gateway'
const TOKEN_A = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6Z3c6YXBpIiwiYXVkIjoic3RzLmFtYXpvbmF3cy5jb20ifQ.'
const TOKEN_B = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6Z3c6cm90YXRlZCJ9.'

const dir = mkdtempSync(join(tmpdir(), 'lambda-gateway-irsa-'))
const stsFetch: Fetch = nodeTransport({ proxyUrl: undefined, verifyTls: true })

function tokenFile(content: string): string {
  const file = join(dir, `token-${Math.random().toString(36).slice(2)}`)
  writeFileSync(file, content)
  return file
}

describe('fromWebIdentity against the mock STS', () => {
  let tables: CredentialTables
  let sts: MockSts
  let endpoint: StsEndpoint

  beforeAll(async () => {
    tables = credentialTables()
    sts = await startMockSts({ tables, webIdentityTokens: [TOKEN_A, TOKEN_B] })
    endpoint = { url: `${sts.url}/`, region: 'eu-west-1' }
  })
  afterAll(() => sts.close())

  const lastCall = () => sts.calls[sts.calls.length - 1]

  it('calls STS unsigned with the trimmed token and returns the issued credentials', async () => {
    const env = { AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile(`\n  ${TOKEN_A}\n\n`), AWS_ROLE_ARN: ROLE_ARN, AWS_ROLE_SESSION_NAME: 'irsa-session' }
    const credentials = await fromWebIdentity(env, stsFetch, endpoint)()
    const call = lastCall()
    expect(call).toMatchObject({ action: 'AssumeRoleWithWebIdentity', accessKeyId: null, sessionToken: null })
    expect(call.params).toEqual({
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: ROLE_ARN,
      RoleSessionName: 'irsa-session',
      WebIdentityToken: TOKEN_A,
    })
    expect(call.issuedKeyId).toMatch(/^ASIAWEB\d+$/)
    const expiration = expirationOf(tables, call.issuedKeyId!)!
    expect(credentials).toEqual({
      accessKeyId: call.issuedKeyId,
      secretAccessKey: tables.secrets[call.issuedKeyId!],
      sessionToken: tables.sessionTokens[call.issuedKeyId!],
      expiration: new Date(Math.floor(expiration.getTime() / 1000) * 1000),
      source: `web identity (${ROLE_ARN})`,
    })
  })

  it('reads the token file again on every call', async () => {
    const file = tokenFile(`${TOKEN_A}\n`)
    const provider = fromWebIdentity({ AWS_WEB_IDENTITY_TOKEN_FILE: file, AWS_ROLE_ARN: ROLE_ARN }, stsFetch, endpoint)
    const first = sts.calls.length
    const a = await provider()
    writeFileSync(file, `${TOKEN_B}\n`)
    const b = await provider()
    expect(sts.calls.slice(first).map((call) => call.params.WebIdentityToken)).toEqual([TOKEN_A, TOKEN_B])
    expect(b.accessKeyId).not.toBe(a.accessKeyId)
  })

  it('names the session lambda-gateway-… by default, the same on every call', async () => {
    const provider = fromWebIdentity({ AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile(TOKEN_A), AWS_ROLE_ARN: ROLE_ARN }, stsFetch, endpoint)
    await provider()
    const name = lastCall().params.RoleSessionName
    expect(name).toMatch(/^lambda-gateway-[\w+=,.@-]+$/)
    expect(name.length).toBeLessThanOrEqual(64)
    await provider()
    expect(lastCall().params.RoleSessionName).toBe(name)
  })

  it('fails with InvalidIdentityToken for a token STS does not accept', async () => {
    const token = 'not-a-token-sts-knows'
    const error = await failure(fromWebIdentity({ AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile(token), AWS_ROLE_ARN: ROLE_ARN }, stsFetch, endpoint)())
    expect(lastCall().params.WebIdentityToken).toBe(token)
    expect(error).toBeInstanceOf(StsError)
    expect(error).not.toBeInstanceOf(CredentialsNotFound)
    expect(error.message).toContain('AssumeRoleWithWebIdentity')
    expect(error.message).toContain('400')
    expect(error.message).toContain('InvalidIdentityToken')
    expect(error.message).not.toContain(token)
  })

  it('fails on an empty (or blank) token file without calling STS', async () => {
    const calls = sts.calls.length
    for (const content of ['', ' \n\n']) {
      const file = tokenFile(content)
      const error = await failure(fromWebIdentity({ AWS_WEB_IDENTITY_TOKEN_FILE: file, AWS_ROLE_ARN: ROLE_ARN }, stsFetch, endpoint)())
      expect(error).not.toBeInstanceOf(CredentialsNotFound)
      expect(error.message).toBe(`AWS_WEB_IDENTITY_TOKEN_FILE ${file} is empty`)
    }
    expect(sts.calls.length).toBe(calls)
  })

  it('fails on a token file it cannot read', async () => {
    const file = join(dir, 'no-such-token')
    const error = await failure(fromWebIdentity({ AWS_WEB_IDENTITY_TOKEN_FILE: file, AWS_ROLE_ARN: ROLE_ARN }, stsFetch, endpoint)())
    expect(error).not.toBeInstanceOf(CredentialsNotFound)
    expect(error.message).toContain(`cannot read AWS_WEB_IDENTITY_TOKEN_FILE ${file}`)
  })
})

describe('fromWebIdentity configuration', () => {
  const endpoint = { url: 'http://127.0.0.1:9/', region: 'us-east-1' }

  it.each([
    ['AWS_ROLE_ARN alone', { AWS_ROLE_ARN: ROLE_ARN }, 'AWS_WEB_IDENTITY_TOKEN_FILE'],
    ['AWS_WEB_IDENTITY_TOKEN_FILE alone', { AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/token' }, 'AWS_ROLE_ARN'],
  ])('refuses %s, naming the missing variable', (_, env, missing) => {
    const error = configError(() => fromWebIdentity(env, stsFetch, endpoint))
    expect(error.problems).toHaveLength(1)
    expect(error.problems[0].path).toBe(missing)
  })

  it('has nothing to offer when neither variable is set', async () => {
    const error = await failure(fromWebIdentity({ AWS_ROLE_SESSION_NAME: 'unused' }, stsFetch, endpoint)())
    expect(error).toBeInstanceOf(CredentialsNotFound)
    expect(error.message).toContain('AWS_WEB_IDENTITY_TOKEN_FILE')
  })
})
