// Supabase's self-hosting file shape end to end (test/fixtures/supabase-kong.yml): the gateway
// started from the file as `npm start` starts it, its decK templates pointing every service at a
// local stand-in that records what reaches it, and the Lambda route at the mock Lambda. Each
// service must get its request at the right upstream path with the right headers; key-auth, acl,
// basic-auth, cors and request-termination answer in front of them as in Kong.

import { mkdtempSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/cli/start.ts'
import { startNodeServer } from '../../src/node.ts'
import { CHILD_PROCESS_TEST, runCheck } from '../support/child-process.ts'
import { captureLogs } from '../support/gateway-under-test.ts'
import { type MockLambda, startMockLambda } from '../support/mock-lambda.ts'

const FILE = 'test/fixtures/supabase-kong.yml'
const ANON_KEY = 'supabase-anon-key'
const SERVICE_KEY = 'supabase-service-role-key'
const DASHBOARD = { username: 'supabase', password: 'dashboard-password' }
const SERVICES = ['auth', 'rest', 'realtime', 'storage', 'functions', 'meta', 'studio'] as const
type Service = (typeof SERVICES)[number]

interface Received {
  method: string
  /** The request target as it reached the service: path and query. */
  target: string
  headers: IncomingHttpHeaders
  body: string
}

interface StandIn {
  url: string
  received: Received[]
  server: Server
}

/** A service that records each request and answers which service it is. */
function startStandIn(name: Service): Promise<StandIn> {
  const received: Received[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.once('end', () => {
      received.push({ method: request.method ?? '', target: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString() })
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ service: name }))
    })
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server })),
  )
}

/** The DECK_ variables the file reads. */
function deckEnv(standIns: Record<Service, StandIn>, lambda: MockLambda): Record<string, string> {
  return {
    DECK_SUPABASE_ANON_KEY: ANON_KEY,
    DECK_SUPABASE_SERVICE_KEY: SERVICE_KEY,
    DECK_DASHBOARD_USERNAME: DASHBOARD.username,
    DECK_DASHBOARD_PASSWORD: DASHBOARD.password,
    DECK_AUTH_URL: standIns.auth.url,
    DECK_REST_URL: standIns.rest.url,
    DECK_REALTIME_URL: standIns.realtime.url,
    DECK_STORAGE_URL: standIns.storage.url,
    DECK_FUNCTIONS_URL: standIns.functions.url,
    DECK_META_URL: standIns.meta.url,
    DECK_STUDIO_URL: standIns.studio.url,
    DECK_AWS_KEY: 'mock-key',
    DECK_AWS_SECRET: 'mock-secret',
    DECK_LAMBDA_HOST: '127.0.0.1',
    DECK_LAMBDA_PORT: String(lambda.port),
  }
}

let standIns: Record<Service, StandIn>
let lambda: MockLambda
let gateway: RunningServer
let env: Record<string, string>

beforeAll(async () => {
  const logs = captureLogs()
  standIns = Object.fromEntries(await Promise.all(SERVICES.map(async (name) => [name, await startStandIn(name)]))) as Record<Service, StandIn>
  lambda = await startMockLambda()
  env = deckEnv(standIns, lambda)
  const home = mkdtempSync(join(tmpdir(), 'lambda-gateway-supabase-'))
  const started = await startNodeServer(['--config', FILE, '--port', '0', '--host', '127.0.0.1'], { HOME: home, AWS_EC2_METADATA_DISABLED: 'true', ...env })
  if (!started) throw new Error(`the gateway did not start with the Supabase file:\n${logs.join('\n')}`)
  gateway = started
})

afterAll(async () => {
  await gateway?.close()
  await lambda?.close()
  await Promise.all(Object.values(standIns ?? {}).map(({ server }) => new Promise((resolve) => server.close(resolve))))
})

/** Sends a request through the gateway; the stand-ins' records start empty for each. */
async function send(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  for (const standIn of Object.values(standIns)) standIn.received.length = 0
  const response = await fetch(new URL(path, gateway.url), init)
  return { status: response.status, headers: response.headers, body: await response.text() }
}

/** What reached the services: exactly one request, at `service`. */
function onlyAt(service: Service): Received {
  const reached = SERVICES.filter((name) => standIns[name].received.length > 0)
  expect(reached, 'the services the request reached').toEqual([service])
  expect(standIns[service].received).toHaveLength(1)
  return standIns[service].received[0]
}

function reachedNoService(): void {
  expect(SERVICES.filter((name) => standIns[name].received.length > 0)).toEqual([])
}

const anon = { apikey: ANON_KEY }
const serviceRole = { apikey: SERVICE_KEY }

describe('Supabase kong.yml shape', () => {
  it('passes npm run check', CHILD_PROCESS_TEST, () => {
    const run = runCheck(['--config', FILE], env)
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: `${FILE}: valid, 12 routes\n` })
  })

  it.each([
    { path: '/auth/v1/verify?token=t1&type=signup', headers: {}, service: 'auth', target: '/verify?token=t1&type=signup' },
    { path: '/auth/v1/callback?code=c1', headers: {}, service: 'auth', target: '/callback?code=c1' },
    { path: '/auth/v1/user', headers: anon, service: 'auth', target: '/user' },
    { path: '/rest/v1/todos?select=*&done=eq.false', headers: anon, service: 'rest', target: '/todos?select=*&done=eq.false' },
    { path: '/realtime/v1/api/ping', headers: anon, service: 'realtime', target: '/api/ping' },
    { path: '/storage/v1/object/public/avatars/a.png', headers: {}, service: 'storage', target: '/object/public/avatars/a.png' },
    { path: '/pg/tables?include_system_schemas=false', headers: serviceRole, service: 'meta', target: '/tables?include_system_schemas=false' },
  ] as const)('GET $path reaches $service at $target', async ({ path, headers, service, target }) => {
    const answer = await send(path, { headers })
    expect({ status: answer.status, body: JSON.parse(answer.body) }).toEqual({ status: 200, body: { service } })
    const received = onlyAt(service)
    expect({ method: received.method, target: received.target }).toEqual({ method: 'GET', target })
    // As Kong sends them: the service's host, not the client's, and where the request came from.
    expect(received.headers.host).toBe(new URL(standIns[service].url).host)
    expect(received.headers['x-forwarded-proto']).toBe('http')
    expect(received.headers['x-forwarded-path']).toBe(new URL(path, 'http://x').pathname)
    expect(received.headers['x-real-ip']).toBe('127.0.0.1')
  })

  it('key-auth recognises the anon key: the consumer is told, the groups header hidden, the key passed on only where hide_credentials is off', async () => {
    /** What the service learns of the client: its key, its consumer, its groups. */
    const identity = async (path: string, service: Service) => {
      await send(path, { headers: anon })
      const { headers } = onlyAt(service)
      return { apikey: headers.apikey, username: headers['x-consumer-username'], groups: headers['x-consumer-groups'] }
    }
    expect(await identity('/auth/v1/user', 'auth')).toEqual({ apikey: ANON_KEY, username: 'anon', groups: undefined })
    expect(await identity('/rest/v1/todos', 'rest')).toEqual({ apikey: undefined, username: 'anon', groups: undefined })
  })

  it('GraphQL: POST /graphql/v1 reaches PostgREST at /rpc/graphql with its body and the Content-Profile the transformer adds', async () => {
    const query = JSON.stringify({ query: '{ todosCollection { edges { node { id } } } }' })
    const answer = await send('/graphql/v1', { method: 'POST', headers: { ...serviceRole, 'content-type': 'application/json' }, body: query })
    expect(answer.status).toBe(200)
    const received = onlyAt('rest')
    expect({ method: received.method, target: received.target, body: received.body }).toEqual({ method: 'POST', target: '/rpc/graphql', body: query })
    expect({ profile: received.headers['content-profile'], username: received.headers['x-consumer-username'], apikey: received.headers.apikey }).toEqual({
      profile: 'graphql_public',
      username: 'service_role',
      apikey: undefined,
    })
  })

  it('Edge Functions: POST /functions/v1/hello reaches the functions service at /hello with its body, no key needed', async () => {
    const answer = await send('/functions/v1/hello?name=x', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' })
    expect(answer.status).toBe(200)
    const received = onlyAt('functions')
    expect({ method: received.method, target: received.target, body: received.body }).toEqual({ method: 'POST', target: '/hello?name=x', body: 'hi' })
  })

  it('key-auth refuses a secure service without a key, or with one it does not know, before the service sees anything', async () => {
    const without = await send('/rest/v1/todos')
    expect({ status: without.status, body: JSON.parse(without.body) }).toMatchObject({ status: 401, body: { message: 'No API key found in request' } })
    const unknown = await send('/rest/v1/todos', { headers: { apikey: 'not-a-supabase-key' } })
    expect({ status: unknown.status, body: JSON.parse(unknown.body) }).toMatchObject({ status: 401, body: { message: 'Unauthorized' } })
    reachedNoService()
  })

  it('acl refuses the anon consumer on postgres-meta (admin only), and lets service_role through', async () => {
    const refused = await send('/pg/tables', { headers: anon })
    expect({ status: refused.status, body: JSON.parse(refused.body) }).toMatchObject({ status: 403, body: { message: 'You cannot consume this service' } })
    reachedNoService()
    expect((await send('/pg/tables', { headers: serviceRole })).status).toBe(200)
    expect(onlyAt('meta').headers['x-consumer-username']).toBe('service_role')
  })

  it('cors answers a preflight itself, without a key', async () => {
    const preflight = await send('/rest/v1/todos', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'apikey,content-type' },
    })
    expect(preflight.status).toBe(200)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*')
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST')
    reachedNoService()
    // And an actual request gets its CORS header on the service's answer.
    const actual = await send('/rest/v1/todos', { headers: { ...anon, origin: 'https://app.example' } })
    expect({ status: actual.status, origin: actual.headers.get('access-control-allow-origin') }).toEqual({ status: 200, origin: '*' })
  })

  it("request-termination blocks Realtime's tenant API before the service", async () => {
    const blocked = await send('/realtime/v1/api/tenants/t1', { headers: serviceRole })
    expect({ status: blocked.status, body: JSON.parse(blocked.body) }).toMatchObject({ status: 403, body: { message: 'Access is forbidden.' } })
    reachedNoService()
  })

  it('the dashboard: basic-auth refuses without the password; with it, Studio gets the request without the credentials', async () => {
    expect((await send('/project/default')).status).toBe(401)
    reachedNoService()
    const authorization = `Basic ${Buffer.from(`${DASHBOARD.username}:${DASHBOARD.password}`).toString('base64')}`
    expect((await send('/project/default', { headers: { authorization } })).status).toBe(200)
    const received = onlyAt('studio')
    expect({ target: received.target, authorization: received.headers.authorization, username: received.headers['x-consumer-username'] }).toEqual({
      target: '/project/default',
      authorization: undefined,
      username: 'DASHBOARD',
    })
  })

  it('the Lambda route beside them: invoked, signed, with the consumer and without the key', async () => {
    const before = lambda.invocations.length
    const answer = await send('/reports/v1/weekly?team=a', { headers: anon })
    expect(answer.status).toBe(200)
    reachedNoService()
    const invocations = lambda.invocations.slice(before)
    expect(invocations.map(({ functionName, signatureValid }) => ({ functionName, signatureValid }))).toEqual([
      { functionName: 'reports-functionEcho', signatureValid: true },
    ])
    const payload = JSON.parse(invocations[0].body) as { request_method: string; request_uri: string; request_headers: Record<string, string> }
    expect({ method: payload.request_method, uri: payload.request_uri }).toEqual({ method: 'GET', uri: '/reports/v1/weekly?team=a' })
    expect({ username: payload.request_headers['x-consumer-username'], apikey: payload.request_headers.apikey }).toEqual({
      username: 'anon',
      apikey: undefined,
    })
  })
})
