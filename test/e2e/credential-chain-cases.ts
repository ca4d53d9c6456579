// The credential chain end to end, on the runtimes that have its host sources (Node and Deno;
// test/e2e/credentials.test.ts, test/deno/credentials.test.ts): every source served by a local
// server speaking its real protocol (STS, IMDS, the container agent) or by real files, the
// gateway started with an environment naming them, the mock Lambda checking who signed each call.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RunningServer } from '../../src/cli/start.ts'
import { REFRESH_WINDOW_MS } from '../../src/credentials/chain.ts'
import { type ForwardProxy, startForwardProxy } from '../support/forward-proxy.ts'
import { TEST_ROLE_ARN } from '../support/gateway-config.ts'
import { sendHttp } from '../support/http-client.ts'
import { type MockAws, startMockAws } from '../support/mock-aws.ts'
import { type MockContainer, startMockContainer } from '../support/mock-container.ts'
import { type MockImds, startMockImds } from '../support/mock-imds.ts'
import { type MockLambda, startMockLambda } from '../support/mock-lambda.ts'
import { logsDuring } from './harness.ts'
import { expectNoSecretInLogs } from './secret-logs.ts'

/** What a runtime's suite hands the cases. */
export interface ChainRuntime {
  /** The entry's start function: `startNodeServer`, `startDenoServer`. */
  start(argv: string[], env: Record<string, string>): Promise<RunningServer | null>
  equal(actual: unknown, expected: unknown, what?: string): void
  ok(condition: unknown, what: string): void
  /** Every log line the gateways have written so far (their console.error lines). */
  logs(): string[]
}

const POD_TOKEN = 'eks-pod-identity-token-value'
const IRSA_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDpndyJ9.c2ln'
const IMDS_CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials/gateway-role'

/** The sources, mocks and gateways the cases share; `close()` stops them all. */
export interface ChainFixture extends ChainRuntime {
  aws: MockAws
  /** A mock Lambda over TLS with a self-signed certificate (test/support/tls). */
  tlsLambda: MockLambda
  imds: MockImds
  container: MockContainer
  proxy: ForwardProxy
  /** Every source at once; a case removes the ones before the one it expects to win. */
  sources: Record<'env' | 'file' | 'container' | 'webIdentity' | 'imds', Record<string, string>>
  /** The environment every gateway of the cases starts with: nothing of this machine's (no home directory, no instance metadata). */
  isolated: Record<string, string>
  /** Writes a file in the fixture's directory; returns its path. */
  write(name: string, text: string): string
  /** The gateway config of the cases' routes, and `extraRoutes` (aws-lambda configs by host). */
  gatewayConfig(extraRoutes?: Record<string, Record<string, unknown>>): unknown
  /** Starts a gateway with `gatewayConfig(extraRoutes)` and `env` (nothing of this machine's). */
  startGateway(env: Record<string, string>, extraRoutes?: Record<string, Record<string, unknown>>): Promise<RunningServer>
  stop(server: RunningServer): Promise<void>
  send(server: RunningServer, host: string): Promise<Response>
  /** The access key id that signed the Invoke call the echo function answers (the answer must be a 200). */
  signer(response: Response): Promise<string>
  /** No log line holds a secret or a token of any source. */
  expectNoSecretLogged(): Promise<void>
  close(): Promise<void>
}

export async function startChainFixture(runtime: ChainRuntime): Promise<ChainFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-gateway-credentials-'))
  const write = (name: string, text: string) => {
    const file = join(dir, name)
    writeFileSync(file, text)
    return file
  }
  const tls = { key: readFileSync('test/support/tls/key.pem'), cert: readFileSync('test/support/tls/cert.pem') }
  const aws = await startMockAws()
  aws.sts.webIdentityTokens.push(IRSA_TOKEN)
  aws.tables.secrets.AKIDFILE = 'file-secret'
  aws.tables.secrets.AKIDROTATED = 'rotated-secret'
  const tlsLambda = await startMockLambda({ tls, credentials: aws.tables.secrets, sessionTokens: aws.tables.sessionTokens })
  const imds = await startMockImds({ tables: aws.tables, mode: 'v2-only' })
  const container = await startMockContainer({ tables: aws.tables, authorization: POD_TOKEN })
  const proxy = await startForwardProxy()
  const running = new Set<RunningServer>()
  const isolated = { HOME: join(dir, 'empty-home'), AWS_EC2_METADATA_DISABLED: 'true', LOG_LEVEL: 'debug', GW_KEY: 'mock-key', GW_SECRET: 'mock-secret' }

  const gatewayConfig = (extraRoutes: Record<string, Record<string, unknown>> = {}) => {
    const lambda = { aws_region: 'us-east-1', host: '127.0.0.1', port: aws.lambda.port, disable_https: true, function_name: 'functionEcho' }
    const keys = { aws_key: 'mock-key', aws_secret: 'mock-secret' }
    const assume = { aws_assume_role_arn: TEST_ROLE_ARN, aws_sts_endpoint_url: aws.sts.url }
    const routes: Record<string, Record<string, unknown>> = {
      'chain.test': {},
      'vault.test': { aws_key: '{vault://env/gw-key}', aws_secret: '{vault://env/gw-secret}' },
      'assume.test': assume,
      'assume-keys.test': { ...keys, ...assume },
      'proxy.test': { ...keys, proxy_url: proxy.url },
      'proxy-chain.test': { proxy_url: proxy.url },
      'proxy-assume.test': { ...keys, ...assume, proxy_url: proxy.url },
      'tls-verified.test': { ...keys, port: tlsLambda.port, disable_https: false },
      ...extraRoutes,
    }
    return {
      _format_version: '3.0',
      routes: Object.entries(routes).map(([name, config]) => ({ name, hosts: [name], plugins: [{ name: 'aws-lambda', config: { ...lambda, ...config } }] })),
    }
  }

  const fixture: ChainFixture = {
    ...runtime,
    aws,
    tlsLambda,
    imds,
    container,
    proxy,
    sources: {
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
    },
    isolated,
    write,
    gatewayConfig,
    async startGateway(env, extraRoutes) {
      const file = write(`kong-${crypto.randomUUID()}.json`, JSON.stringify(gatewayConfig(extraRoutes)))
      const server = await runtime.start(['--config', file, '--port', '0', '--host', '127.0.0.1'], { ...isolated, ...env })
      if (!server) throw new Error(`gateway did not start: ${runtime.logs().slice(-3).join('\n')}`)
      running.add(server)
      return server
    },
    async stop(server) {
      running.delete(server)
      await server.close()
    },
    send: (server, host) => sendHttp(server.url, { path: '/', headers: { host } }),
    async signer(response) {
      const body = await response.text()
      runtime.equal(response.status, 200, body)
      return /Credential=([^/]+)\//.exec(JSON.parse(body).headers.authorization)?.[1] ?? 'none'
    },
    expectNoSecretLogged: () => expectNoSecretInLogs({ ...runtime, mockUrl: aws.lambda.url }, [POD_TOKEN, IRSA_TOKEN]),
    async close() {
      await Promise.all([...running].map((server) => server.close()))
      await Promise.all([aws.close(), tlsLambda.close(), imds.close(), container.close(), proxy.close()])
    },
  }
  return fixture
}

export interface ChainCase {
  name: string
  run(f: ChainFixture): Promise<void>
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const ORDER = ['env', 'file', 'container', 'webIdentity', 'imds'] as const
const WINNERS: Record<(typeof ORDER)[number], RegExp> = {
  env: /^AKIDENV$/,
  file: /^AKIDFILE$/,
  container: /^ASIAECS\d+$/,
  webIdentity: /^ASIAWEB\d+$/,
  imds: /^ASIAIMDS\d+$/,
}

const chainOrder = ORDER.map(
  (name, i): ChainCase => ({
    name: `the chain, in order: with ${name} and every later source enabled, that source signs and no later one is asked`,
    async run(f) {
      const env = Object.assign({}, ...ORDER.slice(i).map((source) => f.sources[source]))
      const asked = { container: f.container.calls.length, sts: f.aws.sts.calls.length, imds: f.imds.calls.length }
      const gateway = await f.startGateway(env)
      const keyId = await f.signer(await f.send(gateway, 'chain.test'))
      f.ok(WINNERS[name].test(keyId), `${keyId} signed`)
      await f.stop(gateway)
      if (name === 'container') f.equal(f.container.calls.at(-1)?.authorization, POD_TOKEN, "the token file's content")
      if (name === 'webIdentity') {
        const call = f.aws.sts.calls.at(-1)
        f.equal([call?.action, call?.accessKeyId, call?.issuedKeyId], ['AssumeRoleWithWebIdentity', null, keyId], 'unsigned AssumeRoleWithWebIdentity')
        f.equal([call?.params.WebIdentityToken, call?.params.RoleArn], [IRSA_TOKEN, 'arn:aws:iam::123456789012:role/irsa'], 'its parameters')
      }
      if (name === 'imds')
        f.ok(
          f.imds.calls.some((c) => c.method === 'PUT' && c.ttl === '21600'),
          'IMDSv2 token requested',
        )
      const later = ORDER.slice(i + 1)
      if (later.includes('container')) f.equal(f.container.calls.length, asked.container, 'container endpoint not asked')
      if (later.includes('webIdentity')) f.equal(f.aws.sts.calls.length, asked.sts, 'STS not asked')
      if (later.includes('imds')) f.equal(f.imds.calls.length, asked.imds, 'instance metadata not asked')
    },
  }),
)

const assumeRoleOnTop = (
  [
    ['the plugin keys', undefined, 'assume-keys.test', /^mock-key$/],
    ['the environment keys', 'env', 'assume.test', /^AKIDENV$/],
    ['instance metadata credentials', 'imds', 'assume.test', /^ASIAIMDS\d+$/],
  ] as const
).map(
  ([what, source, host, base]): ChainCase => ({
    name: `AssumeRole on top of ${what}: STS sees them sign, the function sees the assumed key with its token`,
    async run(f) {
      const gateway = await f.startGateway(source ? f.sources[source] : {})
      const keyId = await f.signer(await f.send(gateway, host))
      const call = f.aws.sts.calls.findLast((c) => c.issuedKeyId === keyId)
      f.ok(call, `an AssumeRole call issued ${keyId}`)
      f.equal(
        [call!.action, call!.signatureValid, call!.params.RoleArn, call!.params.RoleSessionName],
        ['AssumeRole', true, TEST_ROLE_ARN, 'kong'],
        'the AssumeRole call',
      )
      f.ok(base.test(call!.accessKeyId ?? ''), `STS call signed by ${call!.accessKeyId}`)
      // A temporary base key signs STS with its own token.
      if (call!.accessKeyId!.startsWith('ASIA') || call!.accessKeyId === 'AKIDENV') {
        f.equal(call!.sessionToken, f.aws.tables.sessionTokens[call!.accessKeyId!], "the base key's session token")
      }
      const invocation = f.aws.lambda.invocations.findLast((i) => i.accessKeyId === keyId)
      f.equal(invocation?.signatureValid, true, 'the Invoke signature')
      f.equal(invocation?.headers['x-amz-security-token'], f.aws.tables.sessionTokens[keyId], "the assumed key's session token")
      await f.stop(gateway)
    },
  }),
)

export const chainCases: ChainCase[] = [
  ...chainOrder,
  {
    name: 'no source at all: a sanitised 500, and the log says what each source lacked',
    async run(f) {
      const gateway = await f.startGateway({})
      const [response, logged] = await logsDuring(f.logs(), () => f.send(gateway, 'chain.test'))
      f.equal(response.status, 500, 'status')
      f.equal((await response.json()).message, 'An unexpected error occurred', 'message')
      f.ok(
        logged.includes('failed to get credentials: no AWS credentials found (AWS_ACCESS_KEY_ID is not set; no shared credentials file at'),
        `the reasons: ${logged}`,
      )
      f.ok(logged.includes('AWS_EC2_METADATA_DISABLED is set)'), 'instance metadata skipped')
      await f.stop(gateway)
    },
  },
  {
    name: 'a failing source stops the chain with its reason, never its token',
    async run(f) {
      const gateway = await f.startGateway({
        ...f.sources.container,
        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: f.write('wrong-token', 'stolen-or-stale-token'),
        ...f.sources.imds,
      })
      const imdsCalls = f.imds.calls.length
      const [response, logged] = await logsDuring(f.logs(), () => f.send(gateway, 'chain.test'))
      f.equal(response.status, 500, 'status')
      f.ok(logged.includes(`failed to get credentials: container credentials endpoint ${f.container.url} answered 401`), `the reason: ${logged}`)
      f.ok(!logged.includes('stolen-or-stale-token'), 'the token is not logged')
      f.equal(f.imds.calls.length, imdsCalls, 'instance metadata not asked')
      await f.stop(gateway)
    },
  },
  {
    name: 'a source configured wrongly refuses to start, naming the variable',
    async run(f) {
      const file = f.write('refused.json', JSON.stringify(f.gatewayConfig()))
      for (const [env, expected] of [
        [{ AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.169.254/latest/meta-data/' }, 'AWS_CONTAINER_CREDENTIALS_FULL_URI: must be https, or http to'],
        [{ AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/irsa' }, 'AWS_WEB_IDENTITY_TOKEN_FILE: must be set when AWS_ROLE_ARN is'],
        [{ AWS_STS_REGIONAL_ENDPOINTS: 'global' }, 'AWS_STS_REGIONAL_ENDPOINTS: expected one of: regional, legacy'],
        [{ AWS_EC2_METADATA_SERVICE_ENDPOINT: '169.254.169.254' }, 'AWS_EC2_METADATA_SERVICE_ENDPOINT: missing scheme in url'],
        [{ AWS_ENDPOINT_URL_STS: 'ftp://127.0.0.1/' }, 'AWS_ENDPOINT_URL_STS: scheme must be http or https'],
        [{ ...f.sources.webIdentity, AWS_ROLE_SESSION_NAME: 'has spaces' }, 'AWS_ROLE_SESSION_NAME: must be 2 to 64 characters'],
      ] as const) {
        const [started, logged] = await logsDuring(f.logs(), () => f.start(['--config', file, '--port', '0'], { ...f.isolated, ...env }))
        f.equal(started, null, `refused to start with ${JSON.stringify(env)}`)
        f.ok(logged.includes(expected), `names the variable: ${logged}`)
      }
    },
  },
  ...assumeRoleOnTop,
  {
    name: 'credentials about to expire are refreshed once, however many requests arrive at that moment (STS)',
    async run(f) {
      f.aws.sts.lifetimeMs = REFRESH_WINDOW_MS + 1500
      const gateway = await f.startGateway(f.sources.env)
      const first = await f.signer(await f.send(gateway, 'assume.test'))
      f.aws.sts.lifetimeMs = 60 * 60 * 1000
      const calls = f.aws.sts.calls.length
      await sleep(1600) // now inside the five-minute window
      const keys = await Promise.all(Array.from({ length: 200 }, () => f.send(gateway, 'assume.test').then(f.signer)))
      f.equal(f.aws.sts.calls.length - calls, 1, 'one AssumeRole call')
      const refreshed = f.aws.sts.calls.at(-1)!.issuedKeyId!
      f.ok(
        keys.every((key) => key === first || key === refreshed),
        'every request signed with the old or the refreshed credentials',
      )
      f.equal(await f.signer(await f.send(gateway, 'assume.test')), refreshed, 'then the refreshed ones')
      await f.stop(gateway)
    },
  },
  {
    name: 'credentials about to expire are refreshed once, however many requests arrive at that moment (instance metadata)',
    async run(f) {
      f.imds.lifetimeMs = REFRESH_WINDOW_MS + 1500
      const gateway = await f.startGateway(f.sources.imds)
      const credentialGets = () => f.imds.calls.filter((c) => c.path === IMDS_CREDENTIALS_PATH).length
      await f.signer(await f.send(gateway, 'chain.test'))
      f.imds.lifetimeMs = 6 * 60 * 60 * 1000
      const before = credentialGets()
      await sleep(1600)
      const statuses = await Promise.all(Array.from({ length: 200 }, () => f.send(gateway, 'chain.test').then((r) => r.status)))
      f.ok(
        statuses.every((s) => s === 200),
        'every request served',
      )
      f.equal(credentialGets() - before, 1, 'one credentials GET')
      await f.stop(gateway)
    },
  },
  {
    name: 'STS down while the cached credentials are still valid: requests keep succeeding, the failure is logged',
    async run(f) {
      f.aws.sts.lifetimeMs = REFRESH_WINDOW_MS + 1500
      const gateway = await f.startGateway(f.sources.env)
      const first = await f.signer(await f.send(gateway, 'assume.test'))
      await sleep(1600)
      f.aws.sts.failure = { status: 503, code: 'ServiceUnavailable', message: 'Service is unavailable' }
      try {
        const [keys, logged] = await logsDuring(f.logs(), () => Promise.all(Array.from({ length: 20 }, () => f.send(gateway, 'assume.test').then(f.signer))))
        f.ok(
          keys.every((key) => key === first),
          'the cached credentials sign',
        )
        f.ok(logged.includes('refreshing AWS credentials failed; the cached ones stay in use until they expire: STS AssumeRole at'), `logged: ${logged}`)
        f.ok(logged.includes('answered 503: ServiceUnavailable'), 'with the answer')
      } finally {
        f.aws.sts.failure = null
        f.aws.sts.lifetimeMs = 60 * 60 * 1000
      }
      await f.stop(gateway)
    },
  },
  {
    name: 'V1: a rotated secret (a vault reference in aws_key/aws_secret, or the environment keys) takes effect on restart',
    async run(f) {
      const vault = (key: string, secret: string) => ({ GW_KEY: key, GW_SECRET: secret })
      const before = await f.startGateway({ ...f.sources.env, ...vault('mock-key', 'mock-secret') })
      f.equal(await f.signer(await f.send(before, 'vault.test')), 'mock-key', 'vault keys before')
      f.equal(await f.signer(await f.send(before, 'chain.test')), 'AKIDENV', 'environment keys before')
      await f.stop(before)
      const after = await f.startGateway({
        AWS_ACCESS_KEY_ID: 'AKIDROTATED',
        AWS_SECRET_ACCESS_KEY: 'rotated-secret',
        ...vault('AKIDROTATED', 'rotated-secret'),
      })
      f.equal(await f.signer(await f.send(after, 'vault.test')), 'AKIDROTATED', 'vault keys after')
      f.equal(await f.signer(await f.send(after, 'chain.test')), 'AKIDROTATED', 'environment keys after')
      const last = f.aws.lambda.invocations.at(-1)
      f.equal([last?.accessKeyId, last?.signatureValid], ['AKIDROTATED', true], 'the last Invoke')
      await f.stop(after)
    },
  },
  {
    name: 'proxy_url: the Lambda and STS calls go through the proxy; the metadata endpoints never do',
    async run(f) {
      const gateway = await f.startGateway(f.sources.container)
      await f.signer(await f.send(gateway, 'proxy.test'))
      f.ok(f.proxy.seen.includes(`POST http://127.0.0.1:${f.aws.lambda.port}/2015-03-31/functions/functionEcho/invocations`), 'Lambda call in absolute form')
      await f.signer(await f.send(gateway, 'proxy-assume.test'))
      f.ok(f.proxy.seen.includes(`POST ${f.aws.sts.url}/`), 'STS call')
      f.ok(/^ASIAECS/.test(await f.signer(await f.send(gateway, 'proxy-chain.test'))), 'container credentials')
      f.ok(!f.proxy.seen.some((line) => line.includes(String(f.container.port))), 'the container endpoint was reached directly')
      await f.stop(gateway)
    },
  },
  {
    name: 'with ssl_verify on, a self-signed endpoint is refused: sanitised 500, the reason logged, nothing invoked',
    async run(f) {
      const gateway = await f.startGateway({})
      const invoked = f.tlsLambda.invocations.length
      const [response, logged] = await logsDuring(f.logs(), () => f.send(gateway, 'tls-verified.test'))
      f.equal(response.status, 500, 'status')
      f.ok(/Lambda Invoke failed: [^"]*certificate/i.test(logged), `the certificate is the reason: ${logged}`)
      f.equal(f.tlsLambda.invocations.length, invoked, 'nothing invoked')
      await f.stop(gateway)
    },
  },
]
