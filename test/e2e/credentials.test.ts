// The credential chain end to end on the Node entry: every source served by a local server
// speaking its real protocol (STS, IMDS, the container agent) or by real files, the gateway
// started with an environment naming them, the mock Lambda checking who signed each call.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { RunningServer } from '../../src/cli/start.ts'
import { REFRESH_WINDOW_MS } from '../../src/credentials/chain.ts'
import { startNodeServer } from '../../src/node.ts'
import { type ForwardProxy, startForwardProxy } from '../support/forward-proxy.ts'
import { TEST_ROLE_ARN } from '../support/gateway-config.ts'
import { sendHttp } from '../support/http-client.ts'
import { type MockAws, startMockAws } from '../support/mock-aws.ts'
import { type MockContainer, startMockContainer } from '../support/mock-container.ts'
import { type MockImds, startMockImds } from '../support/mock-imds.ts'
import { type MockLambda, startMockLambda } from '../support/mock-lambda.ts'

const dir = mkdtempSync(join(tmpdir(), 'lambda-gateway-credentials-'))
const write = (name: string, text: string) => {
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}
const tls = { key: readFileSync('test/support/tls/key.pem'), cert: readFileSync('test/support/tls/cert.pem') }
const POD_TOKEN = 'eks-pod-identity-token-value'
const IRSA_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDpndyJ9.c2ln'
const IMDS_CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials/gateway-role'

let aws: MockAws
let tlsLambda: MockLambda
let imds: MockImds
let container: MockContainer
let proxy: ForwardProxy
const logLines: string[] = []
const running = new Set<RunningServer>()

/** Every source at once; a case removes the ones before the one it expects to win. */
let sources: Record<string, Record<string, string>>
/** The machine's own credentials never take part: no home directory, no instance metadata. */
const isolated = { HOME: join(dir, 'empty-home'), AWS_EC2_METADATA_DISABLED: 'true', LOG_LEVEL: 'debug', GW_KEY: 'mock-key', GW_SECRET: 'mock-secret' }

beforeAll(async () => {
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void logLines.push(String(line)))
  aws = await startMockAws()
  aws.sts.webIdentityTokens.push(IRSA_TOKEN)
  aws.tables.secrets.AKIDFILE = 'file-secret'
  aws.tables.secrets.AKIDROTATED = 'rotated-secret'
  tlsLambda = await startMockLambda({ tls, credentials: aws.tables.secrets, sessionTokens: aws.tables.sessionTokens })
  imds = await startMockImds({ tables: aws.tables, mode: 'v2-only' })
  container = await startMockContainer({ tables: aws.tables, authorization: POD_TOKEN })
  proxy = await startForwardProxy()
  sources = {
    env: { AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'env-secret', AWS_SESSION_TOKEN: 'env-session-token' },
    file: { AWS_SHARED_CREDENTIALS_FILE: write('credentials', '[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n') },
    container: {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `${container.url}/v1/credentials`,
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: write('pod-token', `${POD_TOKEN}\n`),
    },
    webIdentity: {
      AWS_WEB_IDENTITY_TOKEN_FILE: write('irsa-token', IRSA_TOKEN),
      AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/irsa',
      AWS_ENDPOINT_URL_STS: aws.sts.url,
    },
    imds: { AWS_EC2_METADATA_DISABLED: 'false', AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url },
  }
})
afterAll(async () => {
  await Promise.all([...running].map((s) => s.close()))
  await Promise.all([aws.close(), tlsLambda.close(), imds.close(), container.close(), proxy.close()])
})

function gatewayConfig() {
  const lambda = { aws_region: 'us-east-1', host: '127.0.0.1', port: aws.lambda.port, disable_https: true, function_name: 'functionEcho' }
  const tlsLambdaAt = { ...lambda, port: tlsLambda.port, disable_https: false }
  const keys = { aws_key: 'mock-key', aws_secret: 'mock-secret' }
  const assume = { aws_assume_role_arn: TEST_ROLE_ARN, aws_sts_endpoint_url: aws.sts.url }
  const route = (name: string, config: Record<string, unknown>) => ({
    name,
    hosts: [name],
    plugins: [{ name: 'aws-lambda', config: { ...lambda, ...config } }],
  })
  return {
    _format_version: '3.0',
    routes: [
      route('chain.test', {}),
      route('vault.test', { aws_key: '{vault://env/gw-key}', aws_secret: '{vault://env/gw-secret}' }),
      route('assume.test', assume),
      route('assume-keys.test', { ...keys, ...assume }),
      route('proxy.test', { ...keys, proxy_url: proxy.url }),
      route('proxy-chain.test', { proxy_url: proxy.url }),
      route('proxy-assume.test', { ...keys, ...assume, proxy_url: proxy.url }),
      route('a26.test', { ...tlsLambdaAt, ...keys, proxy_url: proxy.url, ssl_verify: false }),
      route('tls-verified.test', { ...tlsLambdaAt, ...keys }),
    ],
  }
}

async function startGateway(env: Record<string, string>): Promise<RunningServer> {
  const file = write(`kong-${running.size}-${Date.now()}.json`, JSON.stringify(gatewayConfig()))
  const server = await startNodeServer(['--config', file, '--port', '0', '--host', '127.0.0.1'], { ...isolated, ...env })
  if (!server) throw new Error(`gateway did not start: ${logLines.slice(-3).join('\n')}`)
  running.add(server)
  return server
}

async function stop(server: RunningServer) {
  running.delete(server)
  await server.close()
}

const send = (server: RunningServer, host: string) => sendHttp(server.url, { path: '/', headers: { host } })

/** The access key id that signed the Invoke call the echo function answers. */
async function signer(response: Response): Promise<string> {
  const body = await response.text()
  expect(response.status, body).toBe(200)
  const echo = JSON.parse(body)
  return /Credential=([^/]+)\//.exec(echo.headers.authorization)?.[1] ?? 'none'
}

async function logsOf<T>(action: () => Promise<T>): Promise<[T, string]> {
  const before = logLines.length
  const result = await action()
  return [result, logLines.slice(before).join('\n')]
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('the chain, in order', () => {
  const order = ['env', 'file', 'container', 'webIdentity', 'imds'] as const
  const winners: Record<(typeof order)[number], RegExp> = {
    env: /^AKIDENV$/,
    file: /^AKIDFILE$/,
    container: /^ASIAECS\d+$/,
    webIdentity: /^ASIAWEB\d+$/,
    imds: /^ASIAIMDS\d+$/,
  }
  it.each(order.map((name, i) => [name, i] as const))(
    'with %s and every later source enabled, that source signs and no later one is asked',
    async (name, i) => {
      const env = Object.assign({}, ...order.slice(i).map((source) => sources[source]))
      const asked = { container: container.calls.length, sts: aws.sts.calls.length, imds: imds.calls.length }
      const gateway = await startGateway(env)
      const keyId = await signer(await send(gateway, 'chain.test'))
      expect(keyId).toMatch(winners[name])
      await stop(gateway)
      if (name === 'container') expect(container.calls.at(-1)?.authorization).toBe(POD_TOKEN) // the token file's content
      if (name === 'webIdentity') {
        expect(aws.sts.calls.at(-1)).toMatchObject({ action: 'AssumeRoleWithWebIdentity', accessKeyId: null, issuedKeyId: keyId })
        expect(aws.sts.calls.at(-1)?.params).toMatchObject({ WebIdentityToken: IRSA_TOKEN, RoleArn: 'arn:aws:iam::123456789012:role/irsa' })
      }
      const later = order.slice(i + 1)
      if (later.includes('container')) expect(container.calls.length).toBe(asked.container)
      if (later.includes('webIdentity')) expect(aws.sts.calls.length).toBe(asked.sts)
      if (later.includes('imds')) expect(imds.calls.length).toBe(asked.imds)
    },
  )

  it('no source at all: a sanitised 500, and the log says what each source lacked', async () => {
    const gateway = await startGateway({})
    const [response, logged] = await logsOf(() => send(gateway, 'chain.test'))
    expect(response.status).toBe(500)
    expect(await response.json()).toMatchObject({ message: 'An unexpected error occurred' })
    expect(logged).toContain('failed to get credentials: no AWS credentials found (AWS_ACCESS_KEY_ID is not set; no shared credentials file at')
    expect(logged).toContain('AWS_EC2_METADATA_DISABLED is set)')
    await stop(gateway)
  })

  it('a failing source stops the chain with its reason, never its token', async () => {
    const gateway = await startGateway({
      ...sources.container,
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: write('wrong-token', 'stolen-or-stale-token'),
      ...sources.imds,
    })
    const imdsCalls = imds.calls.length
    const [response, logged] = await logsOf(() => send(gateway, 'chain.test'))
    expect(response.status).toBe(500)
    expect(logged).toContain(`failed to get credentials: container credentials endpoint ${container.url} answered 401`)
    expect(logged).not.toContain('stolen-or-stale-token')
    expect(imds.calls.length).toBe(imdsCalls)
    await stop(gateway)
  })

  it('a source configured wrongly refuses to start, naming the variable', async () => {
    const errors: string[] = []
    const spy = vi.spyOn(console, 'error').mockImplementation((line: unknown) => void errors.push(String(line)))
    try {
      const file = write('refused.json', JSON.stringify(gatewayConfig()))
      for (const [env, expected] of [
        [{ AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.169.254/latest/meta-data/' }, 'AWS_CONTAINER_CREDENTIALS_FULL_URI: must be https, or http to'],
        [{ AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/irsa' }, 'AWS_WEB_IDENTITY_TOKEN_FILE: must be set when AWS_ROLE_ARN is'],
        [{ AWS_STS_REGIONAL_ENDPOINTS: 'global' }, 'AWS_STS_REGIONAL_ENDPOINTS: expected one of: regional, legacy'],
        [{ AWS_EC2_METADATA_SERVICE_ENDPOINT: '169.254.169.254' }, 'AWS_EC2_METADATA_SERVICE_ENDPOINT: missing scheme in url'],
        [{ AWS_ENDPOINT_URL_STS: 'ftp://127.0.0.1/' }, 'AWS_ENDPOINT_URL_STS: scheme must be http or https'],
        [{ ...sources.webIdentity, AWS_ROLE_SESSION_NAME: 'has spaces' }, 'AWS_ROLE_SESSION_NAME: must be 2 to 64 characters'],
      ] as const) {
        errors.length = 0
        expect(await startNodeServer(['--config', file, '--port', '0'], { ...isolated, ...env })).toBeNull()
        expect(errors.join('\n')).toContain(expected)
      }
    } finally {
      spy.mockImplementation((line: unknown) => void logLines.push(String(line)))
    }
  })
})

describe('AssumeRole on top of each source', () => {
  it.each([
    ['the plugin keys', undefined, 'assume-keys.test', /^mock-key$/],
    ['the environment keys', 'env', 'assume.test', /^AKIDENV$/],
    ['instance metadata credentials', 'imds', 'assume.test', /^ASIAIMDS\d+$/],
  ] as const)('%s: STS sees them sign, the function sees the assumed key with its token', async (_, source, host, base) => {
    const gateway = await startGateway(source ? sources[source] : {})
    const keyId = await signer(await send(gateway, host))
    const call = aws.sts.calls.findLast((c) => c.issuedKeyId === keyId)
    expect(call, `an AssumeRole call issued ${keyId}`).toBeDefined()
    expect(call).toMatchObject({ action: 'AssumeRole', signatureValid: true, params: { RoleArn: TEST_ROLE_ARN, RoleSessionName: 'kong' } })
    expect(call!.accessKeyId).toMatch(base)
    // A temporary base key signs STS with its own token.
    if (call!.accessKeyId!.startsWith('ASIA') || call!.accessKeyId === 'AKIDENV') expect(call!.sessionToken).toBe(aws.tables.sessionTokens[call!.accessKeyId!])
    const invocation = aws.lambda.invocations.findLast((i) => i.accessKeyId === keyId)
    expect(invocation?.signatureValid).toBe(true)
    expect(invocation?.headers['x-amz-security-token']).toBe(aws.tables.sessionTokens[keyId])
    await stop(gateway)
  })
})

describe('expiry and refresh', () => {
  it('credentials about to expire are refreshed once, however many requests arrive at that moment (STS)', async () => {
    aws.sts.lifetimeMs = REFRESH_WINDOW_MS + 1500
    const gateway = await startGateway(sources.env)
    const first = await signer(await send(gateway, 'assume.test'))
    aws.sts.lifetimeMs = 60 * 60 * 1000
    const calls = aws.sts.calls.length
    await sleep(1600) // now inside the five-minute window
    const keys = await Promise.all(Array.from({ length: 200 }, () => send(gateway, 'assume.test').then(signer)))
    expect(aws.sts.calls.length - calls).toBe(1)
    const refreshed = aws.sts.calls.at(-1)!.issuedKeyId!
    expect(new Set(keys).size).toBeLessThanOrEqual(2)
    expect(keys.every((key) => key === first || key === refreshed)).toBe(true)
    expect(await signer(await send(gateway, 'assume.test'))).toBe(refreshed)
    await stop(gateway)
  })

  it('… and from instance metadata', async () => {
    imds.lifetimeMs = REFRESH_WINDOW_MS + 1500
    const gateway = await startGateway(sources.imds)
    const credentialGets = () => imds.calls.filter((c) => c.path === IMDS_CREDENTIALS_PATH).length
    await signer(await send(gateway, 'chain.test'))
    imds.lifetimeMs = 6 * 60 * 60 * 1000
    const before = credentialGets()
    await sleep(1600)
    const statuses = await Promise.all(Array.from({ length: 200 }, () => send(gateway, 'chain.test').then((r) => r.status)))
    expect(statuses.every((s) => s === 200)).toBe(true)
    expect(credentialGets() - before).toBe(1)
    await stop(gateway)
  })

  it('STS down while the cached credentials are still valid: requests keep succeeding, the failure is logged', async () => {
    aws.sts.lifetimeMs = REFRESH_WINDOW_MS + 1500
    const gateway = await startGateway(sources.env)
    const first = await signer(await send(gateway, 'assume.test'))
    await sleep(1600)
    aws.sts.failure = { status: 503, code: 'ServiceUnavailable', message: 'Service is unavailable' }
    try {
      const [keys, logged] = await logsOf(() => Promise.all(Array.from({ length: 20 }, () => send(gateway, 'assume.test').then(signer))))
      expect(keys.every((key) => key === first)).toBe(true)
      expect(logged).toContain('refreshing AWS credentials failed; the cached ones stay in use until they expire: STS AssumeRole at')
      expect(logged).toContain('answered 503: ServiceUnavailable')
    } finally {
      aws.sts.failure = null
      aws.sts.lifetimeMs = 60 * 60 * 1000
    }
    await stop(gateway)
  })

  it('V1: a rotated secret (a vault reference in aws_key/aws_secret, or the environment keys) takes effect on restart', async () => {
    const vault = (key: string, secret: string) => ({ GW_KEY: key, GW_SECRET: secret })
    const before = await startGateway({ ...sources.env, ...vault('mock-key', 'mock-secret') })
    expect(await signer(await send(before, 'vault.test'))).toBe('mock-key')
    expect(await signer(await send(before, 'chain.test'))).toBe('AKIDENV')
    await stop(before)
    const after = await startGateway({ AWS_ACCESS_KEY_ID: 'AKIDROTATED', AWS_SECRET_ACCESS_KEY: 'rotated-secret', ...vault('AKIDROTATED', 'rotated-secret') })
    expect(await signer(await send(after, 'vault.test'))).toBe('AKIDROTATED')
    expect(await signer(await send(after, 'chain.test'))).toBe('AKIDROTATED')
    expect(aws.lambda.invocations.at(-1)).toMatchObject({ accessKeyId: 'AKIDROTATED', signatureValid: true })
    await stop(after)
  })
})

describe('proxy_url and ssl_verify', () => {
  let gateway: RunningServer
  beforeAll(async () => {
    gateway = await startGateway(sources.container)
  })

  it('the Lambda call to an http endpoint goes through the proxy in absolute form', async () => {
    await signer(await send(gateway, 'proxy.test'))
    expect(proxy.seen).toContain(`POST http://127.0.0.1:${aws.lambda.port}/2015-03-31/functions/functionEcho/invocations`)
  })

  it('A26: an https endpoint is reached through a CONNECT tunnel (ssl_verify off for its self-signed certificate)', async () => {
    const response = await send(gateway, 'a26.test')
    expect(await signer(response.clone())).toBe('mock-key')
    expect((await response.json()).scheme).toBe('https')
    expect(proxy.seen).toContain(`CONNECT 127.0.0.1:${tlsLambda.port}`)
  })

  it('the STS call goes through the proxy; the metadata endpoints never do', async () => {
    await signer(await send(gateway, 'proxy-assume.test'))
    expect(proxy.seen).toContain(`POST ${aws.sts.url}/`)
    expect(await signer(await send(gateway, 'proxy-chain.test'))).toMatch(/^ASIAECS/)
    expect(proxy.seen.some((line) => line.includes(String(container.port)))).toBe(false)
  })

  it('with ssl_verify on, a self-signed endpoint is refused: sanitised 500, the reason logged, nothing invoked', async () => {
    const invoked = tlsLambda.invocations.length
    const [response, logged] = await logsOf(() => send(gateway, 'tls-verified.test'))
    expect(response.status).toBe(500)
    expect(logged).toContain('Lambda Invoke failed: self-signed certificate')
    expect(tlsLambda.invocations.length).toBe(invoked)
  })

  it('ssl_verify: false is announced at start', () => {
    expect(logLines.join('\n')).toContain('ssl_verify is off: TLS certificates of the Lambda and STS endpoints are not checked')
  })
})

it('no log line holds a secret or a token', () => {
  const logged = logLines.join('\n')
  for (const secret of [
    'env-secret',
    'env-session-token',
    'file-secret',
    'rotated-secret',
    'mock-secret',
    POD_TOKEN,
    IRSA_TOKEN,
    ...Object.values(aws.tables.sessionTokens),
  ]) {
    expect(logged).not.toContain(secret)
  }
})
