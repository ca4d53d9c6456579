// Load: 20,000 requests, 100 at a time, through the gateway to the echo function. Every one
// must succeed and come back with its own id (a response mixed up between two requests, or
// between two pooled Invoke connections, would show), and memory must not grow with the count.

import http from 'node:http'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type GatewayProcess, hostRoutes, mockLambdaAt, startGatewayProcess } from '../support/gateway-under-test.ts'
import { type MockLambda, startMockLambda } from '../support/mock-lambda.ts'

const REQUESTS = 20_000
const CONCURRENCY = 100
const WARM_UP = 2_000
/**
 * Generous: RSS still creeps up by a few tens of MiB after the warm-up as V8 and malloc keep
 * freed pages; a leak of 6.5 KiB a request would pass it.
 */
const RSS_GROWTH_LIMIT = 128 * 1024 * 1024
/** After a full collection, what the run leaves on the heap: 800 bytes a request would pass it. */
const HEAP_GROWTH_LIMIT = 16 * 1024 * 1024

let lambda: MockLambda
// In a process of its own: its memory alone is measured, and it runs on the other core.
let gateway: GatewayProcess
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY })

beforeAll(async () => {
  lambda = await startMockLambda({ keepInvocations: false })
  const forwardAll = { forward_request_method: true, forward_request_uri: true, forward_request_headers: true, forward_request_body: true }
  // warn: 20,000 info lines would themselves be memory the test holds.
  gateway = await startGatewayProcess(hostRoutes(mockLambdaAt(lambda.port), { 'echo.test': { function_name: 'functionEcho', ...forwardAll } }), {
    LOG_LEVEL: 'warn',
  })
})
afterAll(async () => {
  agent.destroy()
  await gateway?.close()
  await lambda?.close()
})

interface Answer {
  status: number
  body: string
}

/** POST /load/<id>?id=<id> with the id in a header and in a JSON body, on a keep-alive connection. */
function send(id: string): Promise<Answer> {
  const body = JSON.stringify({ id })
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${gateway.url}/load/${id}?id=${id}`,
      { method: 'POST', agent, headers: { host: 'echo.test', 'x-load-id': id, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        let text = ''
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }))
        response.on('error', reject)
      },
    )
    request.on('error', reject)
    request.end(body)
  })
}

/** The ids the function saw in each place of the event it was invoked with; the echo answers with it. */
function idsInAnswer(answer: Answer): string[] {
  const event = JSON.parse(JSON.parse(answer.body).body)
  return [event.request_uri_args.id, event.request_headers['x-load-id'], event.request_body_args.id, /^\/load\/([^?]+)/.exec(event.request_uri)?.[1]]
}

/** Sends `count` requests with ids `${prefix}-0…`, `concurrency` in flight; returns the ids that failed, with why. */
async function run(prefix: string, count: number): Promise<string[]> {
  const failures: string[] = []
  let next = 0
  const worker = async () => {
    while (next < count) {
      const id = `${prefix}-${next++}`
      try {
        const answer = await send(id)
        if (answer.status !== 200) failures.push(`${id}: status ${answer.status} ${answer.body.slice(0, 200)}`)
        else if (!idsInAnswer(answer).every((seen) => seen === id)) failures.push(`${id}: answered with ${idsInAnswer(answer).join(', ')}`)
      } catch (error) {
        failures.push(`${id}: ${(error as Error).message}`)
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  return failures
}

it(`${REQUESTS} requests at concurrency ${CONCURRENCY}: no error, each answered with its own id, memory bounded`, { timeout: 300_000 }, async () => {
  expect(await run('warm', WARM_UP)).toEqual([])
  const before = await gateway.memory()
  const invokedBefore = lambda.invocationCount()

  const failures = await run('load', REQUESTS)

  const after = await gateway.memory()
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
  const problems = gateway.logs.filter((line) => !/"level":"(info|debug)"/.test(line))
  expect(failures.slice(0, 10), `${failures.length} failures; the gateway logged: ${problems.slice(0, 5).join('\n')}`).toEqual([])
  expect(lambda.invocationCount() - invokedBefore).toBe(REQUESTS)
  expect(after.rss - before.rss, `RSS ${mib(before.rss)} → ${mib(after.rss)}`).toBeLessThan(RSS_GROWTH_LIMIT)
  expect(after.heapUsed - before.heapUsed, `heap ${mib(before.heapUsed)} → ${mib(after.heapUsed)}`).toBeLessThan(HEAP_GROWTH_LIMIT)
  // Nothing went wrong on the gateway's side either: no warning, no error, no crash.
  expect(problems).toEqual([])
})
