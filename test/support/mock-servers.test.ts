// Self-tests of the credential-source mocks (STS, IMDS, container endpoint) and the forward
// proxy. STS requests are signed with aws4fetch, so these also prove that the gateway's signer
// and the smithy-based verifier agree on the sts service.

import { readFileSync } from 'node:fs'
import type { Server as HttpServer, IncomingMessage } from 'node:http'
import { createServer as createHttpServer, Agent as HttpAgent, request as httpRequest } from 'node:http'
import type { Server as HttpsServer } from 'node:https'
import { createServer as createHttpsServer, Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { AddressInfo } from 'node:net'
import { AwsV4Signer } from 'aws4fetch'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closedPort } from './closed-port.ts'
import type { CredentialTables } from './credential-tables.ts'
import { credentialTables } from './credential-tables.ts'
import { startForwardProxy } from './forward-proxy.ts'
import { startMockContainer } from './mock-container.ts'
import { startMockImds } from './mock-imds.ts'
import type { MockSts } from './mock-sts.ts'
import { startMockSts } from './mock-sts.ts'

const ROLE_ARN = 'arn:aws:iam::123456789012:role/gateway-invoker'
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/

/** One element's text, entities decoded (the mock's XML never nests same-named elements). */
function xmlValue(xml: string, name: string): string | undefined {
  const raw = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1]
  return raw
    ?.replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
}

const form = (params: Record<string, string>) => new URLSearchParams(params).toString()

/** A form POST to the mock STS signed by the static test key. */
function signForm(url: string, params: Record<string, string>, service = 'sts') {
  return new AwsV4Signer({
    url,
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form(params),
    accessKeyId: 'AKIDSTATIC',
    secretAccessKey: 'static-secret',
    service,
    region: 'us-east-1',
  }).sign()
}

describe('mock STS', () => {
  let tables: CredentialTables
  let sts: MockSts
  const webToken = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6Z3c6YXBpIiwiYXVkIjoic3RzLmFtYXpvbmF3cy5jb20ifQ.'

  beforeAll(async () => {
    tables = credentialTables({ AKIDSTATIC: 'static-secret' })
    sts = await startMockSts({ tables, webIdentityTokens: [webToken] })
  })
  afterAll(() => sts.close())

  interface Signing {
    accessKeyId?: string
    secretAccessKey?: string
    sessionToken?: string
    query?: string
  }

  async function assumeRole(params: Record<string, string>, signing: Signing = {}) {
    const body = form(params)
    const signer = new AwsV4Signer({
      method: 'POST',
      url: `${sts.url}/${signing.query ?? ''}`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
      accessKeyId: signing.accessKeyId ?? 'AKIDSTATIC',
      secretAccessKey: signing.secretAccessKey ?? 'static-secret',
      sessionToken: signing.sessionToken,
      service: 'sts',
      region: 'us-east-1',
    })
    const signed = await signer.sign()
    const res = await fetch(signed.url, { method: signed.method, headers: signed.headers, body })
    return { status: res.status, headers: res.headers, text: await res.text() }
  }

  async function unsigned(params: Record<string, string>, headers: Record<string, string> = {}) {
    const res = await fetch(`${sts.url}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: form(params),
    })
    return { status: res.status, headers: res.headers, text: await res.text() }
  }

  const roleParams = { Action: 'AssumeRole', Version: '2011-06-15', RoleArn: ROLE_ARN, RoleSessionName: 'gateway' }
  const lastCall = () => sts.calls[sts.calls.length - 1]

  it('answers a signed AssumeRole with credentials it registers in the tables', async () => {
    const before = Date.now()
    const res = await assumeRole(roleParams)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/xml')
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/)
    expect(res.text).toMatch(/^<AssumeRoleResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/)
    expect(res.text).toContain('&amp;')

    const accessKeyId = xmlValue(res.text, 'AccessKeyId') ?? ''
    expect(accessKeyId).toMatch(/^ASIASTS\d+$/)
    expect(tables.secrets[accessKeyId]).toBe(xmlValue(res.text, 'SecretAccessKey'))
    expect(tables.sessionTokens[accessKeyId]).toBe(xmlValue(res.text, 'SessionToken'))
    const expiration = xmlValue(res.text, 'Expiration') ?? ''
    expect(expiration).toMatch(ISO_SECONDS)
    expect(Date.parse(expiration) - before).toBeGreaterThan(3600_000 - 2000)
    expect(Date.parse(expiration) - before).toBeLessThanOrEqual(3600_000 + 2000)
    expect(xmlValue(res.text, 'AssumedRoleId')).toBe('AROAMOCK&ROLE123456789012:gateway')
    expect(xmlValue(res.text, 'Arn')).toBe('arn:aws:sts::123456789012:assumed-role/gateway-invoker/gateway')
    expect(lastCall()).toMatchObject({
      action: 'AssumeRole',
      accessKeyId: 'AKIDSTATIC',
      signatureValid: true,
      sessionToken: null,
      region: 'us-east-1',
      issuedKeyId: accessKeyId,
    })
    expect(lastCall().params).toMatchObject({ RoleArn: ROLE_ARN, RoleSessionName: 'gateway' })
  })

  it('accepts the parameters in the query string with an empty body (Kong form)', async () => {
    const res = await assumeRole({}, { query: `?${form(roleParams)}` })
    expect(res.status).toBe(200)
    expect(xmlValue(res.text, 'AccessKeyId')).toMatch(/^ASIASTS/)
  })

  it('chains: issued temporary credentials sign with their token, and fail without it', async () => {
    const first = await assumeRole(roleParams)
    const temporary = {
      accessKeyId: xmlValue(first.text, 'AccessKeyId'),
      secretAccessKey: xmlValue(first.text, 'SecretAccessKey'),
      sessionToken: xmlValue(first.text, 'SessionToken'),
    }
    const chained = await assumeRole(roleParams, temporary)
    expect(chained.status).toBe(200)
    expect(lastCall()).toMatchObject({ accessKeyId: temporary.accessKeyId, sessionToken: temporary.sessionToken, signatureValid: true })

    const withoutToken = await assumeRole(roleParams, { ...temporary, sessionToken: undefined })
    expect(withoutToken.status).toBe(403)
    expect(xmlValue(withoutToken.text, 'Code')).toBe('InvalidClientTokenId')
    expect(xmlValue(withoutToken.text, 'Message')).toBe('The security token included in the request is invalid.')
    expect(lastCall().issuedKeyId).toBeNull()
  })

  it('rejects a wrong secret with SignatureDoesNotMatch in the ErrorResponse shape', async () => {
    const res = await assumeRole(roleParams, { secretAccessKey: 'not-the-secret' })
    expect(res.status).toBe(403)
    expect(res.headers.get('content-type')).toBe('text/xml')
    expect(res.headers.get('x-amzn-requestid')).toBe(xmlValue(res.text, 'RequestId'))
    expect(res.text).toMatch(/^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/)
    expect(xmlValue(res.text, 'Type')).toBe('Sender')
    expect(xmlValue(res.text, 'Code')).toBe('SignatureDoesNotMatch')
    expect(lastCall()).toMatchObject({ accessKeyId: 'AKIDSTATIC', signatureValid: false, issuedKeyId: null })
  })

  it('rejects an unknown key, an unsigned AssumeRole and a tampered body', async () => {
    const unknown = await assumeRole(roleParams, { accessKeyId: 'AKIDUNKNOWN' })
    expect([unknown.status, xmlValue(unknown.text, 'Code')]).toEqual([403, 'InvalidClientTokenId'])

    const bare = await unsigned(roleParams)
    expect([bare.status, xmlValue(bare.text, 'Code')]).toEqual([403, 'MissingAuthenticationToken'])

    const signed = await signForm(`${sts.url}/`, roleParams)
    const tampered = await fetch(signed.url, { method: 'POST', headers: signed.headers, body: form({ ...roleParams, RoleSessionName: 'other' }) })
    expect([tampered.status, xmlValue(await tampered.text(), 'Code')]).toEqual([403, 'SignatureDoesNotMatch'])
  })

  it('rejects a credential scope for another service', async () => {
    const signed = await signForm(`${sts.url}/`, roleParams, 'lambda')
    const res = await fetch(signed.url, { method: 'POST', headers: signed.headers, body: form(roleParams) })
    expect([res.status, xmlValue(await res.text(), 'Code')]).toEqual([403, 'SignatureDoesNotMatch'])
  })

  it('answers ExpiredToken for issued credentials past their expiration', async () => {
    sts.lifetimeMs = -1000
    try {
      const first = await assumeRole(roleParams)
      expect(first.status).toBe(200)
      const res = await assumeRole(roleParams, {
        accessKeyId: xmlValue(first.text, 'AccessKeyId'),
        secretAccessKey: xmlValue(first.text, 'SecretAccessKey'),
        sessionToken: xmlValue(first.text, 'SessionToken'),
      })
      expect([res.status, xmlValue(res.text, 'Code')]).toEqual([403, 'ExpiredToken'])
    } finally {
      sts.lifetimeMs = 3600_000
    }
  })

  it('issues credentials that expire in N seconds for a role named expires-in-<N>s', async () => {
    const before = Date.now()
    const res = await assumeRole({ ...roleParams, RoleArn: 'arn:aws:iam::123456789012:role/expires-in-240s' })
    expect(res.status).toBe(200)
    const lifetime = Date.parse(xmlValue(res.text, 'Expiration') ?? '') - before
    expect(lifetime).toBeGreaterThan(240_000 - 2000)
    expect(lifetime).toBeLessThanOrEqual(240_000 + 2000)
  })

  it('validates Version, Action and the required parameters', async () => {
    const noSession = await assumeRole({ Action: 'AssumeRole', Version: '2011-06-15', RoleArn: ROLE_ARN })
    expect([noSession.status, xmlValue(noSession.text, 'Code')]).toEqual([400, 'ValidationError'])
    expect(xmlValue(noSession.text, 'Message')).toContain("'roleSessionName'")

    const badDuration = await assumeRole({ ...roleParams, DurationSeconds: '60' })
    expect([badDuration.status, xmlValue(badDuration.text, 'Code')]).toEqual([400, 'ValidationError'])

    const oldVersion = await assumeRole({ ...roleParams, Version: '2010-01-01' })
    expect([oldVersion.status, xmlValue(oldVersion.text, 'Code')]).toEqual([400, 'InvalidAction'])

    const noVersion = await unsigned({ Action: 'AssumeRole' })
    expect([noVersion.status, xmlValue(noVersion.text, 'Code')]).toEqual([400, 'InvalidAction'])

    const noAction = await unsigned({ Version: '2011-06-15' })
    expect([noAction.status, xmlValue(noAction.text, 'Code')]).toEqual([400, 'MissingAction'])
  })

  describe('AssumeRoleWithWebIdentity', () => {
    const webParams = {
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: ROLE_ARN,
      RoleSessionName: 'irsa',
      WebIdentityToken: webToken,
    }

    it('answers an unsigned call with a known token', async () => {
      const res = await unsigned(webParams)
      expect(res.status).toBe(200)
      expect(res.text).toMatch(/^<AssumeRoleWithWebIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/)
      const accessKeyId = xmlValue(res.text, 'AccessKeyId') ?? ''
      expect(accessKeyId).toMatch(/^ASIAWEB\d+$/)
      expect(tables.sessionTokens[accessKeyId]).toBe(xmlValue(res.text, 'SessionToken'))
      expect(xmlValue(res.text, 'Expiration')).toMatch(ISO_SECONDS)
      expect(xmlValue(res.text, 'SubjectFromWebIdentityToken')).toBe('system:serviceaccount:gw:api')
      expect(xmlValue(res.text, 'Audience')).toBe('sts.amazonaws.com')
      expect(xmlValue(res.text, 'Provider')).toContain('oidc-provider')
      expect(lastCall()).toMatchObject({ action: 'AssumeRoleWithWebIdentity', accessKeyId: null, issuedKeyId: accessKeyId })
    })

    it('rejects an unknown token with InvalidIdentityToken and accepts a rotated one', async () => {
      const res = await unsigned({ ...webParams, WebIdentityToken: 'rotated-token' })
      expect([res.status, xmlValue(res.text, 'Code')]).toEqual([400, 'InvalidIdentityToken'])
      expect(lastCall().issuedKeyId).toBeNull()
      sts.webIdentityTokens.push('rotated-token')
      expect((await unsigned({ ...webParams, WebIdentityToken: 'rotated-token' })).status).toBe(200)
    })

    it('rejects a call that carries credentials', async () => {
      const signed = await signForm(`${sts.url}/`, webParams)
      const res = await fetch(signed.url, { method: 'POST', headers: signed.headers, body: form(webParams) })
      expect([res.status, xmlValue(await res.text(), 'Code')]).toEqual([400, 'InvalidParameterValue'])
    })
  })

  it('answers the configured failure to every call, and hangs when asked', async () => {
    sts.failure = { status: 400, code: 'Throttling', message: 'Rate exceeded' }
    try {
      const res = await assumeRole(roleParams)
      expect([res.status, xmlValue(res.text, 'Code'), xmlValue(res.text, 'Message')]).toEqual([400, 'Throttling', 'Rate exceeded'])
      sts.failure = { status: 503, code: 'ServiceUnavailable', message: 'down' }
      const unavailable = await unsigned({ Action: 'AssumeRoleWithWebIdentity' })
      expect([unavailable.status, xmlValue(unavailable.text, 'Type')]).toEqual([503, 'Receiver'])
    } finally {
      sts.failure = null
    }

    sts.hang = true
    try {
      const calls = sts.calls.length
      const request = fetch(`${sts.url}/`, { method: 'POST', body: form(roleParams), signal: AbortSignal.timeout(200) })
      await expect(request).rejects.toThrow()
      expect(sts.calls.length).toBe(calls + 1)
    } finally {
      sts.hang = false
    }
  })
})

describe('mock IMDS', () => {
  const tables = credentialTables()
  const credentialsPath = '/latest/meta-data/iam/security-credentials/'

  async function token(url: string, headers: Record<string, string> = { 'x-aws-ec2-metadata-token-ttl-seconds': '21600' }) {
    const res = await fetch(`${url}/latest/api/token`, { method: 'PUT', headers })
    return { status: res.status, headers: res.headers, text: await res.text() }
  }

  async function get(url: string, path: string, token?: string) {
    const res = await fetch(`${url}${path}`, { headers: token === undefined ? {} : { 'x-aws-ec2-metadata-token': token } })
    return { status: res.status, text: await res.text() }
  }

  it('v2-only: refuses a GET without a token and serves the role and credentials with one', async () => {
    const imds = await startMockImds({ tables, mode: 'v2-only' })
    try {
      expect((await get(imds.url, credentialsPath)).status).toBe(401)
      expect((await get(imds.url, credentialsPath, 'made-up')).status).toBe(401)

      const put = await token(imds.url)
      expect(put.status).toBe(200)
      expect(put.headers.get('x-aws-ec2-metadata-token-ttl-seconds')).toBe('21600')
      expect(put.text.length).toBeGreaterThan(20)

      const role = await get(imds.url, credentialsPath, put.text)
      expect(role).toEqual({ status: 200, text: 'gateway-role' })

      const first = await get(imds.url, `${credentialsPath}gateway-role`, put.text)
      expect(first.status).toBe(200)
      const credentials = JSON.parse(first.text)
      expect(credentials).toMatchObject({ Code: 'Success', Type: 'AWS-HMAC', AccessKeyId: expect.stringMatching(/^ASIAIMDS\d+$/) })
      expect(credentials.LastUpdated).toMatch(ISO_SECONDS)
      expect(credentials.Expiration).toMatch(ISO_SECONDS)
      expect(Date.parse(credentials.Expiration) - Date.now()).toBeGreaterThan(6 * 3600_000 - 2000)
      expect(tables.secrets[credentials.AccessKeyId]).toBe(credentials.SecretAccessKey)
      expect(tables.sessionTokens[credentials.AccessKeyId]).toBe(credentials.Token)

      // Same credentials until close to expiry, as real IMDS; a lifetime change rotates them.
      const again = JSON.parse((await get(imds.url, `${credentialsPath}gateway-role`, put.text)).text)
      expect(again.AccessKeyId).toBe(credentials.AccessKeyId)
      imds.lifetimeMs = 60_000
      const rotated = JSON.parse((await get(imds.url, `${credentialsPath}gateway-role`, put.text)).text)
      expect(rotated.AccessKeyId).not.toBe(credentials.AccessKeyId)

      expect((await get(imds.url, `${credentialsPath}other-role`, put.text)).status).toBe(404)
      expect((await token(imds.url, {})).status).toBe(400)
      expect((await token(imds.url, { 'x-aws-ec2-metadata-token-ttl-seconds': '21601' })).status).toBe(400)
      expect((await token(imds.url, { 'x-aws-ec2-metadata-token-ttl-seconds': '300', 'X-Forwarded-For': '10.0.0.1' })).status).toBe(403)

      expect(imds.calls[0]).toEqual({ method: 'GET', path: credentialsPath, token: null, ttl: null })
      expect(imds.calls[2]).toEqual({ method: 'PUT', path: '/latest/api/token', token: null, ttl: '21600' })
    } finally {
      await imds.close()
    }
  })

  it('v1-only: the token PUT answers tokenStatus and GETs need no token', async () => {
    const imds = await startMockImds({ tables, mode: 'v1-only', tokenStatus: 404, role: 'legacy-role' })
    try {
      expect((await token(imds.url)).status).toBe(404)
      expect(await get(imds.url, credentialsPath)).toEqual({ status: 200, text: 'legacy-role' })
      expect((await get(imds.url, `${credentialsPath}legacy-role`, 'ignored')).status).toBe(200)
    } finally {
      await imds.close()
    }
  })

  it('both: the token is optional but must be valid when sent; failing answers 500', async () => {
    const imds = await startMockImds({ tables, mode: 'both' })
    try {
      expect((await get(imds.url, credentialsPath)).status).toBe(200)
      expect((await get(imds.url, credentialsPath, 'made-up')).status).toBe(401)
      const put = await token(imds.url)
      expect((await get(imds.url, credentialsPath, put.text)).status).toBe(200)
      imds.failing = true
      expect((await get(imds.url, credentialsPath, put.text)).status).toBe(500)
    } finally {
      await imds.close()
    }
  })
})

describe('mock container endpoint', () => {
  const tables = credentialTables()

  async function get(url: string, authorization?: string) {
    const res = await fetch(url, { headers: authorization === undefined ? {} : { Authorization: authorization } })
    return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() }
  }

  it('checks Authorization verbatim and answers the ECS agent shape', async () => {
    const container = await startMockContainer({ tables, authorization: 'pod-token' })
    try {
      const missing = await get(`${container.url}/v1/credentials`)
      expect(missing).toEqual({ status: 401, contentType: 'text/plain; charset=utf-8', text: 'invalid token\n' })
      expect((await get(`${container.url}/v1/credentials`, 'Bearer pod-token')).status).toBe(401)

      const ok = await get(`${container.url}/v2/credentials/abc-123`, 'pod-token')
      expect(ok.status).toBe(200)
      const body = JSON.parse(ok.text)
      expect(Object.keys(body).sort()).toEqual(['AccessKeyId', 'Expiration', 'RoleArn', 'SecretAccessKey', 'Token'])
      expect(body.AccessKeyId).toMatch(/^ASIAECS\d+$/)
      expect(body.Expiration).toMatch(ISO_SECONDS)
      expect(tables.secrets[body.AccessKeyId]).toBe(body.SecretAccessKey)
      expect(tables.sessionTokens[body.AccessKeyId]).toBe(body.Token)

      container.authorization = 'rotated'
      expect((await get(`${container.url}/v1/credentials`, 'pod-token')).status).toBe(401)
      expect((await get(`${container.url}/v1/credentials`, 'rotated')).status).toBe(200)
      expect(container.calls.map((call) => call.path)).toEqual([
        '/v1/credentials',
        '/v1/credentials',
        '/v2/credentials/abc-123',
        '/v1/credentials',
        '/v1/credentials',
      ])
      expect(container.calls[0].authorization).toBeNull()
      expect(container.calls[4].authorization).toBe('rotated')
    } finally {
      await container.close()
    }
  })

  it('answers the EKS Pod Identity shape when asked, and needs no header when none is set', async () => {
    const container = await startMockContainer({ tables })
    try {
      container.podIdentityStyle = true
      const res = await get(`${container.url}/v1/credentials?id=1`)
      expect(res.status).toBe(200)
      const body = JSON.parse(res.text)
      expect(body.AccountId).toBe('123456789012')
      expect(body.RoleArn).toBeUndefined()
      expect(body.Expiration).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/)
      expect(Date.parse(body.Expiration) - Date.now()).toBeGreaterThan(6 * 3600_000 - 2000)
      expect(container.calls[0]).toEqual({ path: '/v1/credentials?id=1', authorization: null })
    } finally {
      await container.close()
    }
  })
})

describe('forward proxy', () => {
  const tlsDir = new URL('./tls/', import.meta.url)

  function listening<T extends HttpServer | HttpsServer>(server: T): Promise<T> {
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
  }
  const portOf = (server: HttpServer | HttpsServer) => (server.address() as AddressInfo).port
  const closeServer = (server: HttpServer | HttpsServer) =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })

  function collect(res: IncomingMessage): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
  }

  it('tunnels CONNECT to an https server', async () => {
    const proxy = await startForwardProxy()
    const target = await listening(
      createHttpsServer({ cert: readFileSync(new URL('cert.pem', tlsDir)), key: readFileSync(new URL('key.pem', tlsDir)) }, (req, res) =>
        res.end(`secure ${req.method} ${req.url}`),
      ),
    )
    const agent = new HttpsAgent({ rejectUnauthorized: false, proxyEnv: { HTTPS_PROXY: proxy.url } })
    try {
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        httpsRequest(`https://127.0.0.1:${portOf(target)}/tunnelled?x=1`, { agent }, (answer) => collect(answer).then(resolve, reject))
          .on('error', reject)
          .end()
      })
      expect(res).toEqual({ status: 200, body: 'secure GET /tunnelled?x=1' })
      expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${portOf(target)}`])
    } finally {
      agent.destroy()
      await proxy.close()
      await closeServer(target)
    }
  })

  it('forwards an absolute-form http request with its body', async () => {
    const proxy = await startForwardProxy()
    const target = await listening(
      createHttpServer((req, res) => {
        const chunks: Buffer[] = []
        req.on('data', (chunk: Buffer) => chunks.push(chunk))
        req.on('end', () => {
          res.setHeader('X-Echo-Host', req.headers.host ?? '')
          res.end(`${req.method} ${req.url} ${Buffer.concat(chunks).toString('utf8')}`)
        })
      }),
    )
    const agent = new HttpAgent({ proxyEnv: { HTTP_PROXY: proxy.url } })
    const url = `http://127.0.0.1:${portOf(target)}/plain?y=2`
    try {
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        httpRequest(url, { method: 'POST', agent }, (answer) => collect(answer).then(resolve, reject))
          .on('error', reject)
          .end('payload')
      })
      expect(res).toEqual({ status: 200, body: 'POST /plain?y=2 payload' })
      expect(proxy.seen).toEqual([`POST ${url}`])
    } finally {
      agent.destroy()
      await proxy.close()
      await closeServer(target)
    }
  })

  it('answers 502 when the CONNECT target refuses', async () => {
    const proxy = await startForwardProxy()
    const port = await closedPort()
    try {
      const status = await new Promise<number>((resolve, reject) => {
        httpRequest(proxy.url, { method: 'CONNECT', path: `127.0.0.1:${port}`, agent: false })
          .on('connect', (answer, socket) => {
            socket.destroy()
            resolve(answer.statusCode ?? 0)
          })
          .on('error', reject)
          .end()
      })
      expect(status).toBe(502)
    } finally {
      await proxy.close()
    }
  })
})
