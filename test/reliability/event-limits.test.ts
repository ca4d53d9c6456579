// Events Lambda would refuse are answered 413 before anything is sent — measured on the event
// as built, in UTF-8 bytes: growth from JSON escapes, percent-decoding and base64 counts, and so
// do multi-byte characters. Extends "events Lambda would refuse" in test/e2e/node.test.ts (API
// Gateway events, base64) to the other payload formats and to the exact limit.

import { Buffer } from 'node:buffer'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { RunningServer } from '../../src/cli/start.ts'
import { captureLogs, hostRoutes, logsDuring, mockLambdaAt, startGateway } from '../support/gateway-under-test.ts'
import { sendHttp } from '../support/http-client.ts'
import { type MockLambda, startMockLambda } from '../support/mock-lambda.ts'

const FORM = 'application/x-www-form-urlencoded'
const SYNC_LIMIT = 6 * 1024 * 1024
const EVENT_LIMIT = 1024 * 1024

const logs = captureLogs()
let lambda: MockLambda
let gateway: RunningServer

beforeAll(async () => {
  lambda = await startMockLambda()
  const forwardBody = { function_name: 'functionEventSize', forward_request_body: true }
  gateway = await startGateway(
    hostRoutes(mockLambdaAt(lambda.port), {
      'forward.test': forwardBody,
      'forward-event.test': { ...forwardBody, invocation_type: 'Event' },
      'legacy.test': { function_name: 'functionEventSize' },
    }),
    {
      // Only Lambda's limits apply; bodies this large are still parsed (as if in nginx's buffer).
      CLIENT_MAX_BODY_SIZE: '0',
      CLIENT_BODY_BUFFER_SIZE: '16m',
    },
  )
})
afterAll(async () => {
  await gateway?.close()
  await lambda?.close()
})

const invoked = () => lambda.invocations.filter((invocation) => invocation.functionName === 'functionEventSize')
/** The forward payload of a text/plain body, as the function receives it. */
const forwardEvent = (text: string) => JSON.stringify({ request_body_args: {}, request_body: text })

it.each([
  ['1.1 MB of control characters, each the six bytes of \\u0001 in JSON', 'forward.test', 'text/plain', 413, '\x01'.repeat(1_100_000)],
  ["3.3 MB of %01, decoded to the same in the default payload's form arguments", 'legacy.test', FORM, 413, `a=${'%01'.repeat(1_100_000)}`],
  ['3 MB of %01, within the limit once decoded and escaped', 'legacy.test', FORM, 200, `a=${'%01'.repeat(1_000_000)}`],
  ['530,000 characters in 1,060,000 UTF-8 bytes: over 1 MiB only when counted in bytes', 'forward-event.test', 'text/plain', 413, 'é'.repeat(530_000)],
  ['800,000 bytes of octet-stream, sent base64-encoded: 1,066,668', 'forward-event.test', 'application/octet-stream', 413, 'a'.repeat(800_000)],
  ['700,000 bytes of octet-stream, 933,336 in base64', 'forward-event.test', 'application/octet-stream', 202, 'a'.repeat(700_000)],
])('%s (%s, %s): %i', async (_what, host, type, status, body) => {
  const before = invoked().length
  const [response, logged] = await logsDuring(logs, () => sendHttp(gateway.url, { path: '/', method: 'POST', headers: { host, 'content-type': type }, body }))
  expect(response.status).toBe(status)
  expect(invoked().length - before).toBe(status === 413 ? 0 : 1)
  if (status === 413) {
    expect(await response.json()).toEqual({ message: 'Request body too large' })
    expect(logged).toMatch(/event of \d+ bytes exceeds Lambda's \d+-byte limit for (Event|RequestResponse) invocations: not invoked/)
  }
})

it.each([
  ['forward-event.test', EVENT_LIMIT, 202],
  ['forward.test', SYNC_LIMIT, 200],
])('%s: an event of exactly %i bytes is invoked, one byte more is not', async (host, limit, status) => {
  const text = 'a'.repeat(limit - forwardEvent('').length)
  const send = (body: string) => sendHttp(gateway.url, { path: '/', method: 'POST', headers: { host, 'content-type': 'text/plain' }, body })
  expect((await send(text)).status).toBe(status)
  expect(Buffer.byteLength(invoked().at(-1)!.body)).toBe(limit)
  const before = invoked().length
  expect((await send(`${text}a`)).status).toBe(413)
  expect(invoked().length).toBe(before)
})
