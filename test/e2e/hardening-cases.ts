// One request never crashes a server or reaches a client unchecked: header bytes a
// function chooses, answers whose body is not sent. The functions behind the reply-*.test
// routes answer the client's request body as their proxy response, so a case chooses the
// status and the exact header bytes; the stream.test function holds its stream open until told.

import fc from 'fast-check'
import { type Case, expectSanitised, get, postJson, withLogs } from './harness.ts'
import { closedUpstream } from './streaming-cases.ts'

const INVALID_HEADERS_BODY = '{"message":"Bad Gateway","error":"could not JSON decode Lambda function response: headers contain an invalid name or value"}'

/** RFC 9110 §5.1 and §5.5, written out again here so that the gateway's own check is not what the test trusts. */
const isToken = (name: string) => /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)
const isFieldValue = (value: string) => [...value].every((c) => c === '\t' || (c >= ' ' && c <= '~') || (c >= '\x80' && c <= '\xff'))

/** The request's log line (msg "request") for the answer's X-Request-Id. */
function requestLine(logged: string, response: Response): Record<string, unknown> | undefined {
  const id = response.headers.get('x-request-id')
  for (const line of logged.split('\n')) {
    if (!line.startsWith('{')) continue
    const parsed = JSON.parse(line) as Record<string, unknown>
    if (parsed.msg === 'request' && parsed.request_id === id) return parsed
  }
  return undefined
}

const reply = (host: string, proxyResponse: unknown) => postJson(host, proxyResponse)

export const hardeningCases: Case[] = [
  {
    name: 'H1 a function header outside RFC 9110 (buffered, multiValueHeaders, 2.0 cookies, streamed prelude) is a 502, logged once',
    async run(t) {
      const bad: Array<[string, unknown, string]> = [
        ['reply-1.0.test', { statusCode: 302, headers: { location: '/home\x0bx' } }, 'value of "location": character U+000B at 5'],
        ['reply-1.0.test', { statusCode: 200, headers: { 'x-del': 'a\x7fb' } }, 'value of "x-del": character U+007F at 1'],
        ['reply-1.0.test', { statusCode: 200, multiValueHeaders: { 'x-multi': ['fine', 'bad\x01'] } }, 'value of "x-multi": character U+0001 at 3'],
        ['reply-1.0.test', { statusCode: 200, headers: { 'bad name': 'x' } }, 'header name "bad name"'],
        ['reply-1.0.test', { statusCode: 200, headers: { 'x-euro': 'caf€' } }, 'value of "x-euro": character U+20AC at 3'],
        ['reply-2.0.test', { statusCode: 200, cookies: ['session=secret\x01'] }, 'value of "set-cookie": character U+0001 at 14'],
        ['reply-stream.test', { statusCode: 302, headers: { location: '/home\x0bx' } }, 'value of "location": character U+000B at 5'],
      ]
      for (const [host, proxyResponse, detail] of bad) {
        const [response, logged] = await withLogs(t, () => t.send(reply(host, proxyResponse)))
        const what = `${host} ${JSON.stringify(proxyResponse)}`
        t.equal(response.status, 502, what)
        t.equal(await response.text(), INVALID_HEADERS_BODY, what)
        t.ok(/^[0-9a-f]{32}$/.test(response.headers.get('x-request-id') ?? ''), `${what}: x-request-id`)
        const reasons = logged.split('\n').filter((line) => line.includes('headers contain an invalid name or value'))
        t.equal(reasons.length, 1, `${what}: logged once`)
        const reason = String(JSON.parse(reasons[0]).msg)
        t.ok(reason.includes(detail), `${what}: the log says which header and character (${reason})`)
        t.ok(!reason.includes('secret') && !reason.includes('/home'), `${what}: the log holds no header value (${reason})`)
        t.equal(requestLine(logged, response)?.status, 502, `${what}: the request line has the status sent`)
      }
      // Still serving, and a valid answer goes through (201: a test client inside workerd would follow a redirect).
      const good = await t.send(reply('reply-1.0.test', { statusCode: 201, headers: { location: '/home' } }))
      t.equal([good.status, good.headers.get('location'), await good.text()], [201, '/home', ''])
    },
  },
  {
    name: 'H2 random header bytes from a function: each answer is valid HTTP (the header sent, or a 502), and the server stays up',
    async run(t) {
      // Control characters, printable ASCII, obs-text and beyond latin1, each as likely; names that are tokens or not.
      const range = (min: number, max: number) => fc.integer({ min, max }).map((code) => String.fromCharCode(code))
      const char = fc.oneof(range(0, 0x1f), range(0x20, 0x7e), range(0x7f, 0xff), range(0x100, 0x2ff))
      const ascii = range(0x20, 0x7e)
      const name = fc.oneof(fc.string({ unit: ascii, minLength: 1, maxLength: 8 }), fc.string({ unit: char, minLength: 1, maxLength: 8 })).map((n) => `x-${n}`)
      const value = fc.oneof(fc.string({ unit: ascii, maxLength: 16 }), fc.string({ unit: char, maxLength: 16 }))
      await fc.assert(
        fc.asyncProperty(name, value, async (headerName, headerValue) => {
          const response = await t.send(reply('reply-1.0.test', { statusCode: 200, headers: { [headerName]: headerValue }, body: 'ok' }))
          const what = JSON.stringify([headerName, headerValue])
          t.ok(/^[0-9a-f]{32}$/.test(response.headers.get('x-request-id') ?? ''), `${what}: x-request-id`)
          if (isToken(headerName) && isFieldValue(headerValue)) {
            t.equal([response.status, await response.text()], [200, 'ok'], what)
            // Header values are trimmed of white space; bytes above 0x7f are written as each runtime writes obs-text.
            if (/^[\t\x20-\x7e]*$/.test(headerValue)) t.equal(response.headers.get(headerName), headerValue.trim(), what)
          } else {
            t.equal([response.status, await response.text()], [502, INVALID_HEADERS_BODY], what)
          }
        }),
        { numRuns: 100 },
      )
      t.equal((await t.send(reply('reply-1.0.test', { statusCode: 204 }))).status, 204, 'still serving')
    },
  },
  {
    name: "H4 an Invoke API error whose body stops halfway is ended by the route's timeout, buffered or streamed",
    async run(t) {
      for (const host of ['api-stall.test', 'stream-api-stall.test']) {
        const [response, logged] = await withLogs(t, () => t.send(get(host, '/')))
        await expectSanitised(t, response, 500)
        t.ok(/timed out after 300 ms|sent nothing for 300 ms/.test(logged), `${host}: logged as a timeout: ${logged}`)
      }
    },
  },
  {
    name: 'H3 HEAD on a response_streaming route answers the head and closes the Invoke call at once',
    async run(t) {
      const keys = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()]
      for (const key of keys) {
        // The function sends its first chunk, then holds the stream open until released: never, here.
        const response = await t.send({ host: 'stream.test', method: 'HEAD', path: `/?key=${key}` })
        t.equal([response.status, await response.text()], [200, ''], 'HEAD answer')
      }
      for (const key of keys) t.equal((await closedUpstream(t, key)).finished, false, 'the Invoke call was closed before it finished')
    },
  },
]
