// The redis policy across processes and through Redis faults: two gateway processes sharing one
// redis-server enforce one limit between them (N + k requests, exactly N pass and reach the
// function), so do a Node and a Deno gateway (the same counter keys on both runtimes), and a Redis killed and restarted, or paused past the timeout, gives the documented
// answers (fault_tolerant off: Kong's fixed 500; on: the request passes, uncounted), never
// crashes a process nor leaks the client's error text, and the next request after recovery is
// counted again.

import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshKey, inWindow } from '../e2e/redis-cases.ts'
import { type GatewayProcess, mockLambdaAt, startGatewayProcess } from '../support/gateway-under-test.ts'
import { sendHttp } from '../support/http-client.ts'
import { type MockLambda, startMockLambda } from '../support/mock-lambda.ts'
import { HAS_REDIS, type RedisServer, startRedisServer } from '../support/redis-server.ts'

const LIMIT = 20
const EXTRA = 15

/** Routes in front of the echo function, rate-limited on the test Redis by the X-Limit-Key header. */
function config(lambdaPort: number, redisPort: number, tlsPort: number) {
  const route = (host: string, rateLimiting: Record<string, unknown>) => ({
    name: host,
    hosts: [host],
    plugins: [
      { name: 'aws-lambda', config: { ...mockLambdaAt(lambdaPort), function_name: 'functionEcho' } },
      {
        name: 'rate-limiting',
        config: {
          policy: 'redis',
          limit_by: 'header',
          header_name: 'x-limit-key',
          redis: { host: '127.0.0.1', port: redisPort, timeout: 500 },
          ...rateLimiting,
        },
      },
    ],
  })
  return {
    _format_version: '3.0',
    routes: [
      route('shared.redis.test', { minute: LIMIT }),
      route('strict.redis.test', { minute: 1000, fault_tolerant: false }),
      route('tolerant.redis.test', { minute: 1000, fault_tolerant: true }),
      // ssl_verify against the test CA, which the processes trust (NODE_EXTRA_CA_CERTS).
      ...['localhost', 'wrong.example'].map((name) =>
        route(`verify-${name}.redis.test`, {
          minute: 2,
          fault_tolerant: false,
          redis: { host: '127.0.0.1', port: tlsPort, ssl: true, ssl_verify: true, server_name: name },
        }),
      ),
    ],
  }
}

/** The Deno entry in a process of its own, as `npm run start:deno` runs it (the deno binary of the npm package). */
async function startDenoGatewayProcess(config: unknown): Promise<Pick<GatewayProcess, 'url' | 'logs' | 'close'>> {
  const file = join(mkdtempSync(join(tmpdir(), 'lambda-gateway-redis-deno-')), 'kong.json')
  writeFileSync(file, JSON.stringify(config))
  const deno = join(dirname(createRequire(import.meta.url).resolve('deno/package.json')), 'deno')
  const args = ['run', '--allow-net', '--allow-env', '--allow-read', 'src/deno.ts', '--config', file, '--port', '0', '--host', '127.0.0.1']
  const child = spawn(deno, args, { env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] })
  const logs: string[] = []
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      logs.push(line)
      if (line.includes('"msg":"listening"')) resolve(JSON.parse(line).url)
    })
    void exited.then(() => reject(new Error(`deno gateway exited: ${logs.join('\n')}`)))
  })
  return {
    url,
    logs,
    close: async () => {
      child.kill('SIGTERM')
      await exited
    },
  }
}

let lambda: MockLambda
let redis: RedisServer
let gateways: GatewayProcess[] = []

const send = (gateway: GatewayProcess, host: string, key: string) => sendHttp(gateway.url, { path: '/', headers: { host, 'x-limit-key': key } })

/** What a client sees: status, the minute's remaining count, the body. */
async function seen(response: Response) {
  return { status: response.status, remaining: response.headers.get('x-ratelimit-remaining-minute'), body: await response.text() }
}

/** Sends until `host` answers 200 again (the client reconnects on its own, within 2 s of Redis being back). */
async function recovered(gateway: GatewayProcess, host: string, key: string) {
  for (let tries = 1; ; tries++) {
    const answer = await seen(await send(gateway, host, key))
    if (answer.status === 200 || tries >= 100) return answer
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

function expectFixed500(answer: { status: number; remaining: string | null; body: string }) {
  expect(answer.status).toBe(500)
  expect(JSON.parse(answer.body).message).toBe('An unexpected error occurred')
  expect(answer.remaining).toBeNull()
  expect(answer.body).not.toMatch(/redis|ECONN|timed out|127\.0\.0\.1|Connection/i)
}

/** Each process logged the outage, said nothing unhandled, and still serves. */
async function expectHealthy(what: string) {
  for (const gateway of gateways) {
    const logged = gateway.logs.join('\n')
    expect(logged, what).not.toMatch(/Unhandled|uncaught/i)
    expect((await sendHttp(gateway.url, { path: '/__health' })).status, `${what}: still serving`).toBe(200)
  }
}

describe.skipIf(!HAS_REDIS)('redis policy across processes and faults', () => {
  beforeAll(async () => {
    lambda = await startMockLambda()
    redis = await startRedisServer({ tls: true })
    const file = config(lambda.port, redis.port, redis.tlsPort as number)
    const env = { HEALTH_PATH: '/__health', LOG_LEVEL: 'info', NODE_EXTRA_CA_CERTS: fileURLToPath(new URL('../support/tls/ca.pem', import.meta.url)) }
    gateways = await Promise.all([0, 1].map(() => startGatewayProcess(file, env)))
  }, 30_000)
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()))
    await redis?.stop()
    await lambda?.close()
  })

  it(
    `two gateway processes sharing one Redis: ${LIMIT + EXTRA} requests across both, all at once, give exactly ${LIMIT} successes`,
    () =>
      inWindow('minute', async (key) => {
        const before = lambda.invocations.length
        const answers = await Promise.all(
          Array.from({ length: LIMIT + EXTRA }, async (_, i) => (await seen(await send(gateways[i % 2] as GatewayProcess, 'shared.redis.test', key))).status),
        )
        // Counted per process, each of the two would pass all of its 17 or 18.
        expect(answers.filter((status) => status === 200)).toHaveLength(LIMIT)
        expect(answers.filter((status) => status === 429)).toHaveLength(EXTRA)
        // The function ran exactly LIMIT times: the limit is also the bill's.
        expect(lambda.invocations.length - before).toBe(LIMIT)
      }),
    30_000,
  )

  it(`a Node and a Deno gateway sharing one Redis: ${LIMIT + EXTRA} requests across both give exactly ${LIMIT} successes`, async () => {
    const denoGateway = await startDenoGatewayProcess(config(lambda.port, redis.port, redis.tlsPort as number))
    try {
      const both = [gateways[0], denoGateway] as GatewayProcess[]
      await inWindow('minute', async (key) => {
        const answers = await Promise.all(
          Array.from({ length: LIMIT + EXTRA }, async (_, i) => (await send(both[i % 2] as GatewayProcess, 'shared.redis.test', key)).status),
        )
        expect(answers.filter((status) => status === 200)).toHaveLength(LIMIT)
        expect(answers.filter((status) => status === 429)).toHaveLength(EXTRA)
      })
    } finally {
      await denoGateway.close()
    }
  }, 60_000)

  it('Redis killed mid-run and restarted: 500 (fault_tolerant off) or passed uncounted (on); after recovery counted again', async () => {
    const [first, second] = gateways as [GatewayProcess, GatewayProcess]
    // As the pause case: a minute that ends among the counts starts them again.
    await inWindow('minute', async (key) => {
      expect((await seen(await send(first, 'strict.redis.test', key))).status).toBe(200)
      await redis.kill()
      try {
        for (const gateway of gateways) {
          expectFixed500(await seen(await send(gateway, 'strict.redis.test', key)))
          const tolerant = await seen(await send(gateway, 'tolerant.redis.test', key))
          expect(tolerant).toMatchObject({ status: 200, remaining: null })
        }
        await expectHealthy('while Redis is down')
      } finally {
        await redis.restart()
      }
      // Restarted empty: the count starts again, and each next request is counted.
      const again = await recovered(first, 'strict.redis.test', key)
      expect(again).toMatchObject({ status: 200, remaining: '999' })
      expect(await seen(await send(first, 'strict.redis.test', key))).toMatchObject({ status: 200, remaining: '998' })
      expect(await recovered(second, 'strict.redis.test', key)).toMatchObject({ status: 200, remaining: '997' })
    })
    for (const gateway of gateways) {
      const logged = gateway.logs.map((line) => JSON.parse(line) as { msg: string })
      expect(logged.filter((line) => line.msg.startsWith('redis unavailable')).length).toBeGreaterThanOrEqual(1)
      expect(logged.some((line) => line.msg === 'redis available again')).toBe(true)
    }
    await expectHealthy('after the restart')
  }, 30_000)

  it('Redis paused past the timeout: the request gets the fault_tolerant answer at the timeout; resumed, counted again', async () => {
    const [gateway] = gateways as [GatewayProcess]
    // The counts span about two seconds: a minute that ends among them starts them again, so that
    // case is run again with a fresh key.
    await inWindow('minute', async (key) => {
      expect(await seen(await send(gateway, 'strict.redis.test', key))).toMatchObject({ status: 200, remaining: '999' })
      await redis.pause()
      try {
        expectFixed500(await seen(await send(gateway, 'strict.redis.test', key)))
        expect(await seen(await send(gateway, 'tolerant.redis.test', key))).toMatchObject({ status: 200, remaining: null })
      } finally {
        await redis.resume()
      }
      // The take that timed out was sent: Redis ran it when it woke up.
      const after = await recovered(gateway, 'strict.redis.test', key)
      expect(after).toMatchObject({ status: 200, remaining: '997' })
      expect(await seen(await send(gateway, 'strict.redis.test', key))).toMatchObject({ status: 200, remaining: '996' })
    })
    expect(gateway.logs.join('\n')).toContain('rate-limiting: failed to get usage')
    await expectHealthy('after the pause')
  }, 30_000)

  it('ssl_verify: a Redis whose certificate a trusted CA signed for server_name counts; for another name it fails (500, fault_tolerant off)', async () => {
    const [gateway] = gateways as [GatewayProcess]
    const key = freshKey()
    expect(await seen(await send(gateway, 'verify-localhost.redis.test', key))).toMatchObject({ status: 200, remaining: '1' })
    expect(await seen(await send(gateway, 'verify-localhost.redis.test', key))).toMatchObject({ status: 200, remaining: '0' })
    expect((await seen(await send(gateway, 'verify-localhost.redis.test', key))).status).toBe(429)
    expectFixed500(await seen(await send(gateway, 'verify-wrong.example.redis.test', key)))
    expect(gateway.logs.join('\n')).toMatch(/redis unavailable.*wrong\.example/)
  })
})
