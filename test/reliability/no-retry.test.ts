// Never run twice: a request that may have reached the function is not sent again, whatever
// came back — throttling, a server error, a connection reset before or during the answer, no
// answer at all. The mock Lambda counts what arrived: exactly one Invoke per client request,
// also when many fail at once on pooled keep-alive connections, and for response streaming.

import { afterAll, beforeAll, expect, it } from 'vitest'
import type { RunningServer } from '../../src/cli/start.ts'
import { captureLogs, hostRoutes, mockLambdaAt, startGateway } from '../support/gateway-under-test.ts'
import { sendHttp } from '../support/http-client.ts'
import { type MockLambda, startMockLambda } from '../support/mock-lambda.ts'

captureLogs()
let lambda: MockLambda
let gateway: RunningServer
const FUNCTIONS = ['apiError429', 'apiError500', 'apiError502', 'apiError503', 'functionReset', 'functionTruncated', 'functionHang']
const REQUESTS = 10

beforeAll(async () => {
  lambda = await startMockLambda()
  const routes = Object.fromEntries(
    FUNCTIONS.flatMap((name) => [
      [`${name}.test`, { function_name: name, timeout: 300 }],
      [`${name}.stream.test`, { function_name: name, timeout: 300, response_streaming: true }],
    ]),
  )
  gateway = await startGateway(hostRoutes(mockLambdaAt(lambda.port), routes))
})
afterAll(async () => {
  await gateway?.close()
  await lambda?.close()
})

/** Calls that reached `name` through the Invoke API (kind '') or InvokeWithResponseStream ('.stream'). */
const invoked = (name: string, kind: string) =>
  lambda.invocations.filter(
    (invocation) => invocation.functionName === name && invocation.rawPath.endsWith(kind ? '/response-streaming-invocations' : '/invocations'),
  ).length

it.each(
  FUNCTIONS.flatMap((name) => [
    [name, ''],
    [name, '.stream'],
  ]),
)('%s%s: one Invoke per client request, none repeated', async (name, kind) => {
  const before = invoked(name, kind)
  const host = `${name}${kind}.test`
  // One alone, then several at once.
  const statuses = [(await sendHttp(gateway.url, { path: '/', headers: { host } })).status]
  const burst = await Promise.all(Array.from({ length: REQUESTS - 1 }, () => sendHttp(gateway.url, { path: '/', headers: { host } })))
  statuses.push(...burst.map((response) => response.status))
  expect(statuses).toEqual(Array(REQUESTS).fill(500))
  // A retry would arrive a moment after the failure it answers: give it the time.
  await new Promise((resolve) => setTimeout(resolve, 200))
  expect(invoked(name, kind) - before).toBe(REQUESTS)
})
