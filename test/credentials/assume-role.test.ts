// STS AssumeRole over the raw Query API (docs/aws-protocols.md#assumerole) against the mock STS on
// loopback: the mock checks the SigV4 signature with smithy, so a call it accepts was signed
// correctly.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromAssumeRole } from '../../src/credentials/assume-role.ts'
import { callSts, type StsEndpoint, StsError } from '../../src/credentials/sts.ts'
import type { CredentialProvider, Credentials } from '../../src/credentials/types.ts'
import { nodeTransport } from '../../src/runtime/node/transport.ts'
import type { Fetch } from '../../src/transport.ts'
import { closedPort } from '../support/closed-port.ts'
import { type CredentialTables, credentialTables, expirationOf, issueCredentials, listenLoopback } from '../support/credential-tables.ts'
import { failure } from '../support/expect-error.ts'
import { type MockSts, startMockSts } from '../support/mock-sts.ts'

const ROLE_ARN = 'arn:aws:iam::123456789012:role/gateway-invoker'
const STATIC = { accessKeyId: 'AKIDSTATICBASE', secretAccessKey: 'static/base+secret=' }

const nodeFetch: Fetch = nodeTransport({ proxyUrl: undefined, verifyTls: true })
const globalFetch: Fetch = (input, init) => fetch(input, init)

/** What the tables hold for a key the mock issued: the credentials STS must have answered. */
function issued(tables: CredentialTables, accessKeyId: string) {
  const expiration = expirationOf(tables, accessKeyId)
  if (expiration === undefined) throw new Error(`${accessKeyId} was not issued by a mock`)
  return {
    accessKeyId,
    secretAccessKey: tables.secrets[accessKeyId],
    sessionToken: tables.sessionTokens[accessKeyId],
    // The wire format has whole seconds.
    expiration: new Date(Math.floor(expiration.getTime() / 1000) * 1000),
  }
}

describe('callSts and fromAssumeRole against the mock STS', () => {
  let tables: CredentialTables
  let sts: MockSts
  let endpoint: StsEndpoint

  beforeAll(async () => {
    tables = credentialTables({ [STATIC.accessKeyId]: STATIC.secretAccessKey })
    sts = await startMockSts({ tables })
    endpoint = { url: `${sts.url}/`, region: 'eu-west-1' }
  })
  afterAll(() => sts.close())

  const lastCall = () => sts.calls[sts.calls.length - 1]
  const assume = (source: CredentialProvider, fetch: Fetch = nodeFetch, sessionName = 'gateway-session') =>
    fromAssumeRole({ source, roleArn: ROLE_ARN, sessionName, endpoint, fetch })

  it('callSts signs AssumeRole for sts with long-term keys and returns the issued credentials', async () => {
    const credentials = await callSts(nodeFetch, endpoint, 'AssumeRole', { RoleArn: ROLE_ARN, RoleSessionName: 'direct-call' }, STATIC)
    const call = lastCall()
    expect(call).toMatchObject({ action: 'AssumeRole', accessKeyId: STATIC.accessKeyId, signatureValid: true, sessionToken: null, region: 'eu-west-1' })
    expect(call.params).toEqual({ Action: 'AssumeRole', Version: '2011-06-15', RoleArn: ROLE_ARN, RoleSessionName: 'direct-call' })
    expect(call.issuedKeyId).toMatch(/^ASIASTS\d+$/)
    expect(credentials).toEqual(issued(tables, call.issuedKeyId!))
  })

  it('assumes the role with a temporary base key, its session token signed along', async () => {
    const base = issueCredentials(tables, 'ASIABASE', 3600_000)
    const credentials = await assume(async () => ({ ...base, source: 'test base' }))()
    const call = lastCall()
    expect(call).toMatchObject({ accessKeyId: base.accessKeyId, sessionToken: base.sessionToken, signatureValid: true })
    expect(call.params).toMatchObject({ RoleArn: ROLE_ARN, RoleSessionName: 'gateway-session' })
    expect(credentials).toEqual({ ...issued(tables, call.issuedKeyId!), source: `assumed role ${ROLE_ARN}` })
    // The issued key is itself usable as a base (role chaining).
    const chained = await assume(async () => credentials)()
    expect(lastCall()).toMatchObject({ accessKeyId: credentials.accessKeyId, sessionToken: credentials.sessionToken, signatureValid: true })
    expect(chained.accessKeyId).toBe(lastCall().issuedKeyId)
    expect(chained.accessKeyId).not.toBe(credentials.accessKeyId)
  })

  it('is refused when the temporary base key comes without its session token', async () => {
    const base = issueCredentials(tables, 'ASIABASE', 3600_000)
    const error = await failure(assume(async () => ({ accessKeyId: base.accessKeyId, secretAccessKey: base.secretAccessKey }))())
    expect(lastCall()).toMatchObject({ accessKeyId: base.accessKeyId, sessionToken: null, signatureValid: false, issuedKeyId: null })
    expect(error).toBeInstanceOf(StsError)
    expect(error.message).toContain('403')
    expect(error.message).toContain('InvalidClientTokenId')
    expect(error.message).not.toContain(base.secretAccessKey)
  })

  it('works over the global fetch too', async () => {
    const credentials = await assume(async () => STATIC, globalFetch, 'global-fetch')()
    const call = lastCall()
    expect(call).toMatchObject({ accessKeyId: STATIC.accessKeyId, signatureValid: true })
    expect(call.params.RoleSessionName).toBe('global-fetch')
    expect(credentials).toEqual({ ...issued(tables, call.issuedKeyId!), source: `assumed role ${ROLE_ARN}` })
  })

  it('turns an STS error answer into an Error with the status, Code and Message and no secret', async () => {
    const base = issueCredentials(tables, 'ASIABASE', 3600_000)
    sts.failure = { status: 400, code: 'Throttling', message: 'Rate <exceeded> & "slow down"' }
    try {
      const error = await failure(assume(async () => base)())
      expect(error).toBeInstanceOf(StsError)
      expect(error.message).toContain(`STS AssumeRole at ${endpoint.url}`)
      expect(error.message).toContain('answered 400')
      expect(error.message).toContain('Throttling')
      // The Message element, its entities decoded.
      expect(error.message).toContain('Rate <exceeded> & "slow down"')
      for (const secret of [base.secretAccessKey, base.sessionToken]) expect(error.message).not.toContain(secret)
    } finally {
      sts.failure = null
    }
  })

  it('names an unreachable endpoint and the reason', async () => {
    const port = await closedPort()
    const url = `http://127.0.0.1:${port}/`
    const error = await failure(
      fromAssumeRole({ source: async () => STATIC, roleArn: ROLE_ARN, sessionName: 's1', endpoint: { url, region: 'us-east-1' }, fetch: nodeFetch })(),
    )
    expect(error).toBeInstanceOf(StsError)
    expect(error.message).toMatch(new RegExp(`^STS AssumeRole at ${url.replace(/[.]/g, '\\.')} failed: .*ECONNREFUSED`))
    const viaGlobal = await failure(callSts(globalFetch, { url, region: 'us-east-1' }, 'AssumeRole', { RoleArn: ROLE_ARN, RoleSessionName: 's1' }, STATIC))
    expect(viaGlobal.message).toMatch(/failed: .*ECONNREFUSED/)
  })

  it('says why there are no base credentials, without calling STS', async () => {
    const calls = sts.calls.length
    const reason = new Error('no AWS credentials found (env: none)')
    const error = await failure(
      assume(async () => {
        throw reason
      })(),
    )
    expect(error.message).toBe(`no base credentials to assume ${ROLE_ARN} with: no AWS credentials found (env: none)`)
    expect(error.cause).toBe(reason)
    expect(sts.calls.length).toBe(calls)
  })
})

describe('callSts reading answers', () => {
  // A hand-written STS answer, for what the mock never sends.
  async function answering(status: number, body: string) {
    const server = await listenLoopback((req, res) => {
      req.resume()
      req.on('end', () => res.writeHead(status, { 'content-type': 'text/xml' }).end(body))
    })
    return { server, endpoint: { url: `${server.url}/`, region: 'us-east-1' } }
  }

  it('decodes entity-escaped values, named and numeric', async () => {
    const xml = [
      '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">',
      '  <AssumeRoleResult>',
      '    <Credentials>',
      '      <AccessKeyId>ASIAESCAPED</AccessKeyId>',
      '      <SecretAccessKey>a&amp;b&lt;c&gt;d&quot;e&apos;f</SecretAccessKey>',
      '      <SessionToken>tok&#43;en&#x2F;x&#61;</SessionToken>',
      '      <Expiration>2030-01-02T03:04:05Z</Expiration>',
      '    </Credentials>',
      '  </AssumeRoleResult>',
      '</AssumeRoleResponse>',
    ].join('\n')
    const { server, endpoint } = await answering(200, xml)
    try {
      const credentials: Credentials = await callSts(nodeFetch, endpoint, 'AssumeRole', { RoleArn: ROLE_ARN, RoleSessionName: 's' }, STATIC)
      expect(credentials).toEqual({
        accessKeyId: 'ASIAESCAPED',
        secretAccessKey: 'a&b<c>d"e\'f',
        sessionToken: 'tok+en/x=',
        expiration: new Date('2030-01-02T03:04:05Z'),
      })
    } finally {
      await server.close()
    }
  })

  it('refuses a 200 without complete credentials', async () => {
    const { server, endpoint } = await answering(200, '<AssumeRoleResponse><Credentials><AccessKeyId>A</AccessKeyId></Credentials></AssumeRoleResponse>')
    try {
      const error = await failure(callSts(nodeFetch, endpoint, 'AssumeRole', { RoleArn: ROLE_ARN, RoleSessionName: 's' }, STATIC))
      expect(error).toBeInstanceOf(StsError)
      expect(error.message).toContain('without complete credentials')
    } finally {
      await server.close()
    }
  })
})
