// Container credentials (ECS task roles, EKS Pod Identity;
// docs/aws-protocols.md#container-credentials) against the mock container endpoint on loopback, and
// the endpoint rules for the two variables.

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { containerEndpoint, fromContainer } from '../../../src/credentials/host/container.ts'
import { CredentialsNotFound } from '../../../src/credentials/types.ts'
import { ConfigError } from '../../../src/model/validate.ts'
import { directFetch } from '../../../src/runtime/node/transport.ts'
import { type CredentialTables, credentialTables, expirationOf } from '../../support/credential-tables.ts'
import { configError, failure } from '../../support/expect-error.ts'
import { type MockContainer, startMockContainer } from '../../support/mock-container.ts'

const dir = mkdtempSync(join(tmpdir(), 'lambda-gateway-container-'))

function tokenFile(content: string, name = `token-${Math.random().toString(36).slice(2)}`): string {
  const file = join(dir, name)
  writeFileSync(file, content)
  return file
}

describe('fromContainer against the mock endpoint', () => {
  let tables: CredentialTables
  let mock: MockContainer
  let fullUri: string

  beforeAll(async () => {
    tables = credentialTables()
    mock = await startMockContainer({ tables })
    fullUri = `${mock.url}/v1/credentials`
  })
  afterAll(() => mock.close())

  const reset = (authorization: string | undefined) => {
    mock.authorization = authorization
    mock.podIdentityStyle = false
    mock.failure = null
    mock.calls.length = 0
  }
  const lastCall = () => mock.calls[mock.calls.length - 1]

  it('GETs FULL_URI on loopback with the literal token and returns the issued credentials', async () => {
    reset('literal-token')
    const credentials = await fromContainer({ AWS_CONTAINER_CREDENTIALS_FULL_URI: fullUri, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'literal-token' }, directFetch)()
    expect(mock.calls).toEqual([{ path: '/v1/credentials', authorization: 'literal-token' }])
    const expiration = expirationOf(tables, credentials.accessKeyId)!
    expect(credentials).toEqual({
      accessKeyId: expect.stringMatching(/^ASIAECS\d+$/),
      secretAccessKey: tables.secrets[credentials.accessKeyId],
      sessionToken: tables.sessionTokens[credentials.accessKeyId],
      // ECS answers whole seconds.
      expiration: new Date(Math.floor(expiration.getTime() / 1000) * 1000),
      source: 'container credentials (ECS / EKS Pod Identity)',
    })
  })

  it('sends no Authorization header when no token is configured', async () => {
    reset(undefined)
    await fromContainer({ AWS_CONTAINER_CREDENTIALS_FULL_URI: fullUri }, directFetch)()
    expect(lastCall().authorization).toBeNull()
  })

  it('prefers the token file to the literal token and strips one trailing newline', async () => {
    reset('file-token')
    const env = {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: fullUri,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: 'literal-token',
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile('file-token\n'),
    }
    await fromContainer(env, directFetch)()
    expect(lastCall().authorization).toBe('file-token')
    await fromContainer({ ...env, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile('file-token\r\n') }, directFetch)()
    expect(lastCall().authorization).toBe('file-token')
  })

  it('reads the token file again on every call, so a rotated token is sent', async () => {
    const file = tokenFile('first-token\n')
    const provider = fromContainer({ AWS_CONTAINER_CREDENTIALS_FULL_URI: fullUri, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: file }, directFetch)
    reset('first-token')
    const first = await provider()
    writeFileSync(file, 'second-token\n')
    mock.authorization = 'second-token'
    const second = await provider()
    expect(mock.calls.map((call) => call.authorization)).toEqual(['first-token', 'second-token'])
    expect(second.accessKeyId).not.toBe(first.accessKeyId)
  })

  it('fails clearly when the token file cannot be read', async () => {
    reset(undefined)
    const missing = join(dir, 'no-such-token')
    const error = await failure(fromContainer({ AWS_CONTAINER_CREDENTIALS_FULL_URI: fullUri, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: missing }, directFetch)())
    expect(error).not.toBeInstanceOf(CredentialsNotFound)
    expect(error.message).toContain(`cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ${missing}`)
    expect(mock.calls).toEqual([])
  })

  it.each([
    ['a CR LF header injection in the literal token', { AWS_CONTAINER_AUTHORIZATION_TOKEN: 'token\r\nx-injected: 1' }],
    ['a NUL in the literal token', { AWS_CONTAINER_AUTHORIZATION_TOKEN: 'tok\u0000en' }],
    ['a DEL in the literal token', { AWS_CONTAINER_AUTHORIZATION_TOKEN: 'tok\u007fen' }],
    ['a second trailing newline in the token file', { AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile('token\n\n') }],
    ['a tab inside the token file', { AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile('tok\ten\n') }],
  ])('refuses %s before any request', async (_, tokenEnv) => {
    reset(undefined)
    const error = await failure(fromContainer({ AWS_CONTAINER_CREDENTIALS_FULL_URI: fullUri, ...tokenEnv }, directFetch)())
    expect(error.message).toContain('control characters')
    expect(mock.calls).toEqual([])
  })

  it('reports a 401 with its status, never the token the agent echoes', async () => {
    reset('expected-token')
    const token = 'wrong-token-value'
    mock.failure = { status: 401, body: `invalid token ${token}` }
    const error = await failure(fromContainer({ AWS_CONTAINER_CREDENTIALS_FULL_URI: fullUri, AWS_CONTAINER_AUTHORIZATION_TOKEN: token }, directFetch)())
    expect(lastCall().authorization).toBe(token)
    expect(error.message).toBe(`container credentials endpoint ${mock.url} answered 401`)
    expect(error.message).not.toContain(token)
  })

  it('reports a 401 without any part of a realistic (long) token the agent echoes', async () => {
    reset('expected-token')
    // A projected service-account token is a JWT of several hundred characters.
    const token = `eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9.${'eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6Z3c6YXBpIn0'.repeat(10)}.c2lnbmF0dXJl`
    mock.failure = { status: 401, body: `invalid token: ${token}` }
    const file = tokenFile(`${token}\n`)
    const error = await failure(fromContainer({ AWS_CONTAINER_CREDENTIALS_FULL_URI: fullUri, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: file }, directFetch)())
    expect(lastCall().authorization).toBe(token)
    expect(error.message).toContain('answered 401')
    // Not even the token's first characters may reach a log line.
    expect(error.message).not.toContain(token.slice(0, 24))
  })

  it('parses the EKS Pod Identity agent answer with fractional seconds', async () => {
    reset('pod-token')
    mock.podIdentityStyle = true
    const credentials = await fromContainer(
      {
        AWS_CONTAINER_CREDENTIALS_FULL_URI: fullUri,
        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile('pod-token'),
      },
      directFetch,
    )()
    // The mock writes the real expiry's milliseconds plus sub-millisecond digits.
    expect(credentials.expiration).toEqual(expirationOf(tables, credentials.accessKeyId))
    expect(credentials.sessionToken).toBe(tables.sessionTokens[credentials.accessKeyId])
  })

  it('has nothing to offer when neither variable is set', async () => {
    const error = await failure(fromContainer({ AWS_CONTAINER_AUTHORIZATION_TOKEN: 'unused' }, directFetch)())
    expect(error).toBeInstanceOf(CredentialsNotFound)
    expect(error.message).toContain('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI')
  })
})

describe('containerEndpoint', () => {
  it('puts RELATIVE_URI on http://169.254.170.2, keeping the v1 query string', () => {
    expect(containerEndpoint({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v1/credentials?id=abc' })?.href).toBe('http://169.254.170.2/v1/credentials?id=abc')
    expect(containerEndpoint({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/0f1e2d3c' })?.href).toBe('http://169.254.170.2/v2/credentials/0f1e2d3c')
    expect(containerEndpoint({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: 'v2/credentials/x' })?.href).toBe('http://169.254.170.2/v2/credentials/x')
  })

  it.each([
    ['a protocol-relative value', '//example.com/creds'],
    ['a backslash value', '/\\example.com/creds'],
  ])('keeps RELATIVE_URI on 169.254.170.2 even for %s', (_, relative) => {
    // The host is http://169.254.170.2 followed by the value, whatever the value holds.
    expect(containerEndpoint({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: relative })?.host).toBe('169.254.170.2')
  })

  it('prefers RELATIVE_URI to FULL_URI, whatever FULL_URI holds', () => {
    expect(
      containerEndpoint({
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x',
        AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://example.com/creds',
      })?.href,
    ).toBe('http://169.254.170.2/v2/credentials/x')
  })

  it.each([
    ['https to any host', 'https://creds.example.com/v1', 'https://creds.example.com/v1'],
    ['http to a 127/8 address', 'http://127.0.0.5:8080/creds', 'http://127.0.0.5:8080/creds'],
    ['http to localhost', 'http://localhost:9911/creds', 'http://localhost:9911/creds'],
    ['http to [::1]', 'http://[::1]:9911/creds', 'http://[::1]:9911/creds'],
    ['http to [::1] written out', 'http://[0:0:0:0:0:0:0:1]/creds', 'http://[::1]/creds'],
    ['http to the EKS Pod Identity agent', 'http://169.254.170.23/v1/credentials', 'http://169.254.170.23/v1/credentials'],
    ['http to the EKS Pod Identity agent over IPv6', 'http://[fd00:ec2::23]/v1/credentials', 'http://[fd00:ec2::23]/v1/credentials'],
    ['http to the ECS agent', 'http://169.254.170.2/v2/credentials/x', 'http://169.254.170.2/v2/credentials/x'],
  ])('allows FULL_URI: %s', (_, full, href) => {
    expect(containerEndpoint({ AWS_CONTAINER_CREDENTIALS_FULL_URI: full })?.href).toBe(href)
  })

  it.each([
    ['http to another host', 'http://example.com/creds'],
    ['http to the IMDS address', 'http://169.254.169.254/'],
    ['http to a name that only starts like loopback', 'http://127.0.0.1.example.com/creds'],
    ['http to a name that only starts like localhost', 'http://localhost.example.com/creds'],
    ['another scheme', 'ftp://127.0.0.1/creds'],
    ['something that is not a URL', 'not a url'],
  ])('refuses FULL_URI: %s, naming the variable', (_, full) => {
    const error = configError(() => containerEndpoint({ AWS_CONTAINER_CREDENTIALS_FULL_URI: full }))
    expect(error.problems).toHaveLength(1)
    expect(error.problems[0].path).toBe('AWS_CONTAINER_CREDENTIALS_FULL_URI')
    expect(error.message).toMatch(/^AWS_CONTAINER_CREDENTIALS_FULL_URI: /)
    // fromContainer reports it when built, before any request.
    expect(() => fromContainer({ AWS_CONTAINER_CREDENTIALS_FULL_URI: full }, directFetch)).toThrow(ConfigError)
  })

  it('is undefined when neither variable is set', () => {
    expect(containerEndpoint({})).toBeUndefined()
    expect(containerEndpoint({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '', AWS_CONTAINER_CREDENTIALS_FULL_URI: '' })).toBeUndefined()
  })
})
