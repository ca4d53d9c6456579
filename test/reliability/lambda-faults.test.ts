// Faults of the Lambda Invoke API: a function that never answers, connections that drop before
// or during the answer, throttling and server errors, malformed and oversized answers. Each is
// answered with Kong's status and body (docs/aws-lambda-plugin.md#error-answers), says why in the
// log, and the gateway serves the next requests as if nothing happened.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/cli/start.ts'
import { API_ERROR_BODY, expectSanitised } from '../e2e/harness.ts'
import { captureLogs, hostRoutes, logsDuring, mockLambdaAt, startGateway, vitestAsserts, watchProcessErrors } from '../support/gateway-under-test.ts'
import { sendHttp } from '../support/http-client.ts'
import { type MockLambda, startMockLambda } from '../support/mock-lambda.ts'

const logs = captureLogs()
const processErrors = watchProcessErrors()
let lambda: MockLambda
let gateway: RunningServer

const TIMEOUT_MS = 300
const API_ERRORS = [429, 500, 502, 503]

beforeAll(async () => {
  lambda = await startMockLambda()
  const withPreserved = (host: string, config: Record<string, unknown>) => ({
    [`${host}.test`]: config,
    [`${host}.preserve.test`]: { ...config, preserve_lambda_api_error_code: true },
  })
  gateway = await startGateway(
    hostRoutes(mockLambdaAt(lambda.port), {
      'echo.test': { function_name: 'functionEcho' },
      ...withPreserved('hang', { function_name: 'functionHang', timeout: TIMEOUT_MS }),
      ...withPreserved('reset', { function_name: 'functionReset' }),
      ...withPreserved('truncated', { function_name: 'functionTruncated' }),
      ...Object.assign({}, ...API_ERRORS.map((status) => withPreserved(`api${status}`, { function_name: `apiError${status}` }))),
      'bad-json.proxy.test': { function_name: 'functionWithBadJSON', is_proxy_integration: true },
      'bad-json.test': { function_name: 'functionWithBadJSON' },
      'oversized.test': { function_name: 'functionOverCap' },
      'oversized.proxy.test': { function_name: 'functionOverCap', is_proxy_integration: true },
      'too-large.test': { function_name: 'functionResponseTooLarge' },
      'too-large.proxy.test': { function_name: 'functionResponseTooLarge', is_proxy_integration: true },
    }),
    { LOG_LEVEL: 'info' },
  )
})
afterAll(async () => {
  processErrors.stop()
  await gateway?.close()
  await lambda?.close()
})
afterEach(async () => {
  // After every fault: normal requests succeed, and nothing escaped as an unhandled rejection.
  for (const id of ['after-1', 'after-2', 'after-3']) {
    const response = await send('echo.test', id)
    expect(response.status).toBe(200)
    expect(JSON.parse(await response.text()).body).toBe(`{"id":"${id}"}`)
  }
  expect((await sendHttp(gateway.url, { path: '/__health' })).status).toBe(200)
  expect(processErrors.errors).toEqual([])
})

const send = (host: string, id = 'fault') => sendHttp(gateway.url, { path: `/?id=${id}`, headers: { host } })

/** Sends one request to `host` and returns the answer and the log lines written meanwhile. */
const faulty = (host: string) => logsDuring(logs, () => send(host))

describe('the Invoke call fails without an answer', () => {
  it.each([
    ['hang', 'a function that never answers, past the timeout', 504, `Lambda Invoke timed out after ${TIMEOUT_MS} ms`],
    ['reset', 'the connection reset before any answer', 502, 'Lambda Invoke failed: socket hang up (ECONNRESET)'],
    ['truncated', 'the connection reset halfway through the answer', 502, 'Lambda Invoke failed: aborted (ECONNRESET)'],
  ])('%s: %s → sanitised 500, or %i with preserve_lambda_api_error_code', async (host, _what, preserved, reason) => {
    const [response, logged] = await faulty(`${host}.test`)
    await expectSanitised(vitestAsserts, response, 500)
    const line = logged
      .split('\n')
      .map((text) => JSON.parse(text))
      .find((entry) => entry.level === 'error')
    expect(line).toMatchObject({ msg: expect.stringContaining(reason), request_id: response.headers.get('x-request-id'), route: `${host}.test` })
    await expectSanitised(vitestAsserts, (await faulty(`${host}.preserve.test`))[0], preserved)
  })
})

describe('the Invoke API answers with an error', () => {
  it.each(API_ERRORS)('%i → 500 with the sanitised body, or the same status with preserve_lambda_api_error_code', async (status) => {
    const [response, logged] = await faulty(`api${status}.test`)
    await expectSanitised(vitestAsserts, response, 500, API_ERROR_BODY)
    // The reason is in the log only: AWS's message, ARN included.
    expect(logged).toMatch(new RegExp(`AWS Lambda API returned error: .+ arn:aws:lambda:[^,]+, status code: ${status}`))
    await expectSanitised(vitestAsserts, (await faulty(`api${status}.preserve.test`))[0], status, API_ERROR_BODY)
  })
})

describe('malformed and oversized answers', () => {
  it('malformed JSON with proxy integration → 502 Bad Gateway naming the parse error, also logged', async () => {
    const [response, logged] = await faulty('bad-json.proxy.test')
    expect(response.status).toBe(502)
    const body = await response.json()
    expect(body).toEqual({ message: 'Bad Gateway', error: expect.stringMatching(/^could not JSON decode Lambda function response: /) })
    expect(logged).toContain(`"msg":"${body.error}`)
  })

  it('malformed JSON without proxy integration is passed on byte for byte, as Kong passes what it cannot decode', async () => {
    const response = await send('bad-json.test')
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('{"foo":"bar"\n')
  })

  it.each(['oversized.test', 'oversized.proxy.test'])(
    "%s: an answer over Lambda's 6 MB limit and its headroom (only a misbehaving endpoint sends one) is a sanitised 502, logged",
    async (host) => {
      const [response, logged] = await faulty(host)
      await expectSanitised(vitestAsserts, response, 502)
      expect(logged).toContain('Lambda Invoke answer larger than 7340032 bytes')
    },
  )

  it("Lambda's own answer to a result over 6 MB (a function error) is visible as one: 200 with the error, 502 with proxy integration", async () => {
    const response = await send('too-large.test')
    expect(response.status).toBe(200)
    expect(response.headers.get('x-amz-function-error')).toBe('Unhandled')
    expect((await response.json()).errorType).toBe('Function.ResponseSizeTooLarge')
    const [proxied, logged] = await faulty('too-large.proxy.test')
    expect(proxied.status).toBe(502)
    expect(await proxied.json()).toEqual({ message: 'Bad Gateway', error: 'could not JSON decode Lambda function response: the function failed' })
    expect(logged).toContain('the function failed: X-Amz-Function-Error Unhandled: Function.ResponseSizeTooLarge')
  })
})
