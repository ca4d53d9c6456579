// `npm start` with no arguments: the Node entry started as npm starts it (`node src/node.ts`,
// no arguments; only PORT=0 so the test needs no free port 8000), then every demo route asked
// over HTTP, answered by the example functions in the local Lambda emulator.

import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_API_KEY, DEMO_JWT } from '../../src/cli/demo.ts'
import { CHILD_PROCESS_TEST } from '../support/child-process.ts'
import { HAS_CURL, readmeShellBlocks, runShellBlock } from '../support/readme-blocks.ts'

const ROOT = new URL('../..', import.meta.url).pathname
const WAIT_MS = 15_000

let child: ChildProcess
let base: string
let stdout = ''

beforeAll(async () => {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) if (!/^(AWS_|NODE_OPTIONS$|LOG_LEVEL$|HEALTH_PATH$)/.test(name)) env[name] = value
  child = spawn(process.execPath, ['src/node.ts'], { cwd: ROOT, env: { ...env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start in ${WAIT_MS} ms: ${stderr}`)), WAIT_MS)
    child.once('exit', (code) => reject(new Error(`the demo exited with ${code}: ${stderr}`)))
    child.stdout?.on('data', () => {
      const url = /curl '(http:\/\/[^/]+)\/hello/.exec(stdout)?.[1]
      if (url) {
        clearTimeout(timer)
        resolve(url)
      }
    })
  })
}, WAIT_MS + 1000)

afterAll(async () => {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM') // frees the emulator's port 9001 for the next run
  await exited
})

const call = (path: string, init?: RequestInit) => fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(WAIT_MS) })

describe("the README's first blocks, against this demo", CHILD_PROCESS_TEST, () => {
  const [commands, curls] = readmeShellBlocks()

  it('its two commands: `npm start` is what this test runs, the start script', () => {
    expect(commands.text.split('\n').map((line) => line.replace(/\s+#.*$/, ''))).toEqual(['npm ci && npm start', 'npm ci && npm test'])
    expect(JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).scripts.start).toBe('node src/node.ts')
  })

  ;(HAS_CURL ? it : it.skip)('the protected routes, with curl as written', async () => {
    const { code, output } = await runShellBlock(curls.text, { replace: [['localhost:8000', base.replace('http://', '')]] })
    expect(code, output).toBe(0)
    expect(output).toMatch(/^HTTP\/1\.1 401/m)
    expect(output.match(/"username":"demo-user"/g)).toHaveLength(2)
  })
})

describe('npm start with no arguments', CHILD_PROCESS_TEST, () => {
  it('prints the URLs to try', () => {
    expect(stdout).toContain('no --config given, so serving')
    expect(stdout).toContain('examples/demo.yml')
    for (const path of ['/hello?name=Ada', '/echo', '/v1/items/1', '/v2/items/2', '/ticks?count=5', '/jobs', '/fail', '/maintenance', '/private', '/whoami']) {
      expect(stdout).toContain(`${base}${path}`)
    }
    expect(stdout).toContain(`apikey: ${DEMO_API_KEY}`)
    expect(stdout).toContain(`Authorization: Bearer ${DEMO_JWT}`)
  })

  it('/ticks: response streaming from the emulator, server-sent events in order', async () => {
    const response = await call('/ticks?count=3')
    expect([response.status, response.headers.get('content-type')]).toEqual([200, 'text/event-stream'])
    // That each is sent as it is written is shown by test/emulator/streaming.test.ts, frame by frame.
    expect(await response.text()).toMatch(/^data: tick 1 of 3 at \S+\n\ndata: tick 2 of 3 at \S+\n\ndata: tick 3 of 3 at \S+\n\n$/)
  })

  it("/hello: Kong's default payload (query arguments)", async () => {
    const response = await call('/hello?name=Ada')
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ message: 'Hello, Ada!' })
  })

  it('/echo: the forward_request_* payload', async () => {
    const response = await call('/echo?x=1', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })
    expect(response.status).toBe(200)
    const { event } = await response.json()
    expect(event).toMatchObject({
      request_method: 'POST',
      request_uri: '/echo?x=1',
      request_uri_args: { x: '1' },
      request_body: '{"a":1}',
      request_body_args: { a: 1 },
    })
    expect(event.request_headers['content-type']).toBe('application/json')
  })

  it('/v1/items/1 and /v2/items/2: API Gateway events with proxy integration', async () => {
    const v1 = await call('/v1/items/1')
    expect(v1.status).toBe(200)
    expect(v1.headers.get('content-type')).toBe('application/json')
    expect(await v1.json()).toEqual({ item: { id: '1', name: 'lamp' }, payload: '1.0' })
    const v2 = await call('/v2/items/2')
    expect(await v2.json()).toEqual({ item: { id: '2', name: 'desk' }, payload: '2.0' })
    const missing = await call('/v2/items/9')
    expect([missing.status, await missing.json()]).toEqual([404, { message: 'no item 9' }])
  })

  it('/jobs: an asynchronous invocation answers 202 at once', async () => {
    const response = await call('/jobs', { method: 'POST', body: '{"job":42}' })
    expect(response.status).toBe(202)
    expect(await response.text()).toBe('')
  })

  it("/hello: cors answers a preflight from the web app, and adds its headers to the function's answer", async () => {
    const origin = 'http://localhost:3000'
    const preflight = await call('/hello', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } })
    expect(preflight.status).toBe(200)
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin)
    expect(preflight.headers.get('access-control-max-age')).toBe('3600')
    const response = await call('/hello?name=Ada', { headers: { origin } })
    expect(await response.json()).toEqual({ message: 'Hello, Ada!' })
    expect(response.headers.get('access-control-allow-origin')).toBe(origin)
    expect(response.headers.get('access-control-allow-credentials')).toBe('true')
  })

  it('/maintenance: request-termination answers 503', async () => {
    const response = await call('/maintenance')
    expect([response.status, await response.json()]).toEqual([503, { message: 'Down for maintenance, back soon' }])
  })

  it("/private: key-auth wants demo-user's API key, then acl lets the demo-readers group in", async () => {
    const refused = await call('/private')
    expect(refused.status).toBe(401)
    expect(refused.headers.get('www-authenticate')).toBe('Key')
    expect((await refused.json()).message).toBe('No API key found in request')
    const wrong = await call('/private', { headers: { apikey: 'not-the-demo-key' } })
    expect([wrong.status, (await wrong.json()).message]).toEqual([401, 'Unauthorized'])
    const response = await call('/private', { headers: { apikey: DEMO_API_KEY } })
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body.consumer.username).toBe('demo-user')
    expect(body.authorizer).toMatchObject({ principalId: body.consumer.id, consumerUsername: 'demo-user' })
  })

  it("/whoami: jwt makes the request demo-user's, and the function sees the claims as API Gateway's JWT authorizer gives them", async () => {
    expect((await call('/whoami')).status).toBe(401)
    const response = await call('/whoami', { headers: { authorization: `Bearer ${DEMO_JWT}` } })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      authorizer: {
        jwt: { claims: { iss: 'lambda-gateway-demo', sub: 'demo-user', scope: 'items:read items:write' }, scopes: ['items:read', 'items:write'] },
      },
      consumer: { username: 'demo-user' },
    })
  })

  it('/fail: a function that throws gives the unhandled_status', async () => {
    const response = await call('/fail')
    expect(response.status).toBe(502)
    expect(response.headers.get('x-amz-function-error')).toBe('Unhandled')
  })
})
