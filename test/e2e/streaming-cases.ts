// response_streaming end to end, on every runtime: InvokeWithResponseStream frames
// from the mock Lambda (test/support/mock-streaming-functions.ts) through the gateway to a
// client reading the body as it comes. "Streams" is proved by order, never by a clock: the
// function holds its next chunk until the test releases it, and the test releases it only
// after it has read the chunk before — a gateway that buffered would never answer.

import { API_ERROR_BODY, type Case, type E2E, expectSanitised, get, withLogs } from './harness.ts'

/** Far longer than any step takes; only a gateway that buffers the whole stream reaches it. */
const DEADLOCK_MS = 10_000

const newKey = () => crypto.randomUUID()
const release = async (t: E2E, key: string) => void (await (await fetch(`${t.mockUrl}/__streams/${key}/release`, { method: 'POST' })).text())
/** Answers once the function's connection has closed: whether it finished its answer, and the bytes it wrote. */
/** How the mock's streaming call keyed `key` ended, once it has; a call left open fails the case (10 s) instead of hanging it. */
export const closedUpstream = async (t: Pick<E2E, 'mockUrl'>, key: string) =>
  (await (await fetch(`${t.mockUrl}/__streams/${key}/closed`, { signal: AbortSignal.timeout(10_000) })).json()) as { finished: boolean; written: number }

const decoder = () => new TextDecoder()

function deadline<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${DEADLOCK_MS} ms (is the stream buffered?)`)), DEADLOCK_MS)
  })
  return Promise.race([promise, expired]).finally(() => timer !== undefined && clearTimeout(timer))
}

/** Reads until the text received ends with `expected`; returns all of it. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, expected: string): Promise<string> {
  const text = decoder()
  let received = ''
  while (!received.endsWith(expected)) {
    const { done, value } = await deadline(`waiting for ${JSON.stringify(expected)}`, reader.read())
    if (done) break
    received += text.decode(value, { stream: true })
  }
  return received
}

async function readToEnd(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const text = decoder()
  let received = ''
  for (let chunk = await deadline('reading to the end', reader.read()); !chunk.done; chunk = await deadline('reading to the end', reader.read())) {
    received += text.decode(chunk.value, { stream: true })
  }
  return received
}

/** The body read must fail: the client sees a broken response, not a shorter one. */
async function expectBroken(t: E2E, reader: ReadableStreamDefaultReader<Uint8Array>) {
  let outcome: string
  try {
    outcome = `ended normally after ${JSON.stringify(await readToEnd(reader))}`
  } catch (error) {
    outcome = (error as Error).message.includes(String(DEADLOCK_MS)) ? (error as Error).message : 'broken'
  }
  t.equal(outcome, 'broken', 'the body read fails')
}

/** What a body that must fail to read is expected to end with. */
const BROKEN = Symbol('broken')

/**
 * Requests a held function's route: reads `first` (the function then waits), releases the
 * function, reads the rest to the end, which must be `rest` (or fail). Returns the answer.
 */
async function readAcrossRelease(t: E2E, host: string, first: string, rest: string | typeof BROKEN): Promise<Response> {
  const key = newKey()
  const response = await deadline('response head', t.stream(get(host, `/?key=${key}`)))
  const reader = response.body!.getReader()
  t.equal(await readUntil(reader, first), first, 'the first part, before the function writes the next')
  await release(t, key)
  if (rest === BROKEN) await expectBroken(t, reader)
  else t.equal(await readToEnd(reader), rest, 'the rest')
  return response
}

export const streamingCases: Case[] = [
  {
    name: 'S1 streaming: the client reads the first chunk before the function writes the second (signed, Qualifier, log type)',
    async run(t) {
      const [response, logged] = await withLogs(t, () => readAcrossRelease(t, 'stream.test', 'first chunk\n', 'second chunk\n'))
      t.equal(response.status, 200, 'status')
      t.equal(response.headers.get('content-type'), 'text/plain', "the function's content type")
      t.equal(response.headers.get('content-length'), null, 'no length: it is not known yet')
      t.ok(response.headers.get('x-request-id'), 'x-request-id')
      const invocation = (await t.invocations()).findLast((i) => i.functionName === 'streamGated')!
      t.equal(invocation.rawPath, '/2021-11-15/functions/streamGated/response-streaming-invocations', 'InvokeWithResponseStream path')
      t.equal(invocation.qualifier, 'prod', 'Qualifier')
      t.equal(invocation.headers['x-amz-log-type'], 'Tail', 'X-Amz-Log-Type')
      t.ok(invocation.signatureValid, 'signature valid')
      t.ok(logged.includes('streamed-log-line'), "InvokeComplete's log tail is logged at debug")
      t.ok(/"msg":"request".*"lambda_ms":\d+.*"status":200/.test(logged), 'the request line is written')
    },
  },
  {
    name: "S2 streaming with proxy integration: the HTTP prelude's status, headers and cookies, then the body as it comes",
    async run(t) {
      // The body starts after the 8 NUL bytes.
      const response = await readAcrossRelease(t, 'stream-http.test', 'hello ', 'world')
      t.equal(response.status, 201, 'status from the prelude')
      t.equal(response.headers.get('x-stream'), 'yes', 'header from the prelude')
      t.equal(response.headers.get('content-type'), 'text/plain; charset=utf-8', 'content type from the prelude')
      t.equal(response.headers.getSetCookie(), ['a=1; Path=/; HttpOnly', 'b=2'], 'cookies, one Set-Cookie each')
      t.equal(response.headers.get('content-length'), null, "the function's Content-Length is not sent")
      t.equal(response.headers.get('via'), '1.1 lambda-gateway', 'via')
    },
  },
  {
    name: 'S3 streaming: SSE (text/event-stream) passes through event by event',
    async run(t) {
      const response = await readAcrossRelease(t, 'stream-sse.test', 'data: one\n\n', 'data: two\n\n')
      t.equal(response.status, 200, 'status')
      t.equal(response.headers.get('content-type'), 'text/event-stream', 'content type')
      t.equal(response.headers.get('cache-control'), 'no-cache', 'cache-control')
    },
  },
  {
    name: 'S4 streaming: InvokeComplete with an ErrorCode after bytes were sent breaks the response, and is logged',
    async run(t) {
      const [response, logged] = await withLogs(t, () => readAcrossRelease(t, 'stream-mid-error.test', 'partial output', BROKEN))
      t.equal(response.status, 200, 'status')
      t.ok(logged.includes('response stream broken after the response started: the function failed: InvokeComplete ErrorCode Unhandled: '), 'logged')
    },
  },
  {
    name: 'S5 streaming: a function error before any byte is the sanitised 500 (raw) or 502 (proxy integration)',
    async run(t) {
      const [, logged] = await withLogs(t, async () => {
        await expectSanitised(t, await t.stream(get('stream-error-first.test', '/')), 500)
        // Fixed text for the client: InvokeComplete's ErrorCode and ErrorDetails (an ARN, a path) go to the log.
        const proxy = await t.stream(get('stream-error-first.proxy.test', '/'))
        await expectSanitised(t, proxy, 502, '{"message":"Bad Gateway","error":"could not JSON decode Lambda function response: the function failed"}')
      })
      t.ok(logged.includes('the function failed: InvokeComplete ErrorCode Unhandled boom at arn:aws:lambda:'), `logged with its ErrorCode: ${logged}`)
    },
  },
  ...(['message', 'prelude'] as const).map(
    (which): Case => ({
      name: `S6 streaming: a corrupted ${which} CRC aborts the stream (a sanitised 500 before the first byte, a broken response after)`,
      async run(t) {
        const host = which === 'message' ? 'stream-bad-crc' : 'stream-bad-prelude-crc'
        const [first, loggedFirst] = await withLogs(t, () => t.stream(get(`${host}.test`, '/')))
        await expectSanitised(t, first, 500)
        t.ok(loggedFirst.includes(`${which} CRC mismatch`), 'logged before the first byte')
        const [, logged] = await withLogs(t, () => readAcrossRelease(t, `${host}-late.test`, 'good chunk', BROKEN))
        t.ok(logged.includes(`response stream broken after the response started: ${which} CRC mismatch`), 'logged after the first byte')
      },
    }),
  ),
  {
    name: "S7 streaming: the prelude's headers get the buffered proxy integration's checks (CR/LF refused with 502)",
    async run(t) {
      const response = await t.stream(get('stream-crlf.test', '/'))
      t.equal(response.status, 502, 'status')
      t.equal(response.headers.get('x-evil'), null, 'no injected header')
      t.equal(response.headers.get('set-cookie'), null, 'no injected cookie')
      t.equal(await response.json(), {
        message: 'Bad Gateway',
        error: 'could not JSON decode Lambda function response: headers contain an invalid name or value',
      })
    },
  },
  {
    name: "S8 streaming: the Invoke API's errors are answered as for Invoke (preserve_lambda_api_error_code)",
    async run(t) {
      await expectSanitised(t, await t.stream(get('stream-api404.preserve.test', '/')), 404, API_ERROR_BODY)
      await expectSanitised(t, await t.stream(get('stream-api404.test', '/')), 500, API_ERROR_BODY)
      const invocation = (await t.invocations()).findLast((i) => i.functionName === 'apiError404')!
      t.equal(invocation.rawPath, '/2021-11-15/functions/apiError404/response-streaming-invocations', 'InvokeWithResponseStream path')
    },
  },
  {
    name: 'S9 streaming: a client that goes away mid-stream closes the Invoke call',
    async run(t) {
      const key = newKey()
      const response = await deadline('response head', t.stream(get('stream-hang.test', `/?key=${key}`)))
      const reader = response.body!.getReader()
      t.equal(await readUntil(reader, 'first chunk'), 'first chunk', 'first chunk')
      await reader.cancel()
      t.equal((await deadline('the Invoke connection closing', closedUpstream(t, key))).finished, false, 'the function saw its connection close')
    },
  },
  {
    name: 'S10 streaming: timeout is the longest wait for the next chunk; then the response breaks',
    async run(t) {
      const [, logged] = await withLogs(t, async () => {
        const response = await deadline('response head', t.stream(get('stream-idle.test', '/')))
        const reader = response.body!.getReader()
        t.equal(await readUntil(reader, 'first chunk'), 'first chunk', 'first chunk')
        await expectBroken(t, reader)
      })
      t.ok(logged.includes('response stream broken after the response started: no data from Lambda for 200 ms'), 'logged')
    },
  },
]
