// What both the Node and the Deno server do with clients that stall or leave, checked over raw
// sockets against a gateway started with the limits small (CLIENT_BODY_TIMEOUT, SEND_TIMEOUT).

import { connect, type Socket } from 'node:net'
import type { E2E } from '../e2e/harness.ts'
import { closedUpstream } from '../e2e/streaming-cases.ts'
import { header, rawAnswer, rawExchange } from './raw-http.ts'

/** The settings the checks below expect the gateway under test to run with. */
export const SMALL_LIMITS = { CLIENT_BODY_TIMEOUT: '200ms', SEND_TIMEOUT: '300ms' } as const

/**
 * A client that sends part of its body and stops gets 408 once CLIENT_BODY_TIMEOUT has passed.
 * `closes`: the server also closes the connection (Node; Deno.serve keeps it until the client
 * ends it, and has no way to be told otherwise).
 */
export async function expectBodyTimeout(t: Pick<E2E, 'equal' | 'ok'>, gatewayUrl: string, closes: boolean): Promise<void> {
  const stalled = 'POST /post HTTP/1.1\r\nHost: echo.test\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nabc'
  const answer = closes ? await rawExchange(gatewayUrl, stalled) : await rawAnswer(gatewayUrl, stalled)
  t.equal(answer.status, 408, 'status')
  const body = JSON.parse(answer.body.toString('utf8'))
  t.equal(body, { message: 'Request timeout', request_id: header(answer, 'x-request-id') }, 'body')
  if (closes) t.equal(header(answer, 'connection'), 'close', 'the rest of the body is not read as a request')
}

/**
 * A client that stops reading a streamed answer is cut off after SEND_TIMEOUT, and the Invoke
 * call behind it is closed (the mock says so once its connection has closed, unfinished).
 */
export async function expectStalledClientCut(t: Pick<E2E, 'equal' | 'ok'>, gatewayUrl: string, mockUrl: string): Promise<void> {
  const key = crypto.randomUUID()
  const socket = await stalledClient(gatewayUrl, `GET /?key=${key} HTTP/1.1\r\nHost: stream-flood.test\r\n\r\n`)
  try {
    t.equal((await closedUpstream({ mockUrl }, key)).finished, false, 'the Invoke call was closed before it finished')
  } finally {
    socket.destroy()
  }
}

/** A client that sends `request` and, once the head and the first bytes of the answer arrive, reads no more. */
function stalledClient(gatewayUrl: string, request: string): Promise<Socket> {
  const url = new URL(gatewayUrl)
  const socket = connect(Number(url.port), url.hostname)
  return new Promise((resolve, reject) => {
    socket.once('error', (error) => {
      socket.destroy()
      reject(error)
    })
    socket.write(request)
    socket.once('data', () => {
      socket.pause()
      resolve(socket)
    })
  })
}

/**
 * The same for a proxied answer too large to be buffered: the client is cut off after
 * SEND_TIMEOUT, and the upstream sees its answer cut (its connection closed before the end).
 */
export async function expectStalledProxyClientCut(t: Pick<E2E, 'equal' | 'ok'>, gatewayUrl: string, upstreamUrl: string, logs: string[]): Promise<void> {
  const before = logs.length
  const id = crypto.randomUUID()
  const socket = await stalledClient(gatewayUrl, `GET / HTTP/1.1\r\nHost: echo.proxy.test\r\nX-Test-Id: ${id}\r\nX-Test-Size: ${64 * 1024 * 1024}\r\n\r\n`)
  try {
    // Attached before the socket's next I/O event, so its close is not missed.
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    await until(async () => (await (await fetch(`${upstreamUrl}/__seen/${id}`)).json()).cut === 1, "the upstream's answer cut off")
    // What the gateway wrote before it gave up is still to be read; then the connection ends, short of the body.
    let received = 0
    socket.on('data', (chunk: Buffer) => {
      received += chunk.byteLength
    })
    socket.resume()
    await closed
    t.ok(received < 64 * 1024 * 1024, 'the client was cut off before the whole answer')
    const said = logs
      .slice(before)
      .flatMap((text) => text.split('\n'))
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    t.ok(
      said.some((line) => line.level === 'warn' && String(line.msg).includes('(SEND_TIMEOUT)')),
      'cut by SEND_TIMEOUT, logged',
    )
  } finally {
    socket.destroy()
  }
}

/**
 * A client that leaves before its streamed answer starts: the Invoke call is closed, and the
 * request is logged as nginx logs it (499, at info: the client left, the gateway did not fail).
 */
export async function expectClientGoneLogged(t: Pick<E2E, 'equal' | 'ok'>, gatewayUrl: string, mockUrl: string, logs: string[]): Promise<void> {
  const key = crypto.randomUUID()
  const before = logs.length
  const url = new URL(gatewayUrl)
  const socket = connect(Number(url.port), url.hostname, () => socket.write(`GET /?key=${key} HTTP/1.1\r\nHost: stream-late.test\r\n\r\n`))
  // Gone once the function has been invoked (it waits to be released, which never comes).
  await until(
    async () => (await (await fetch(`${mockUrl}/__invocations`)).json()).some((call: { body: string }) => call.body.includes(key)),
    'the function invoked',
  )
  socket.destroy()
  t.equal((await closedUpstream({ mockUrl }, key)).finished, false, 'the Invoke call was closed')
  await until(() => logs.slice(before).some((line) => line.includes('"msg":"request"')), "the request's log line")
  const lines = logs.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>)
  t.equal(lines.find((line) => line.msg === 'request')?.status, 499, 'logged as 499')
  t.equal(
    lines.filter((line) => line.level === 'error'),
    [],
    'no error line: the gateway did not fail',
  )
}

/** Polls `condition` every 10 ms; throws naming `what` after 10 s. */
export async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 10) {
    if (waited > 10_000) throw new Error(`not within 10 s: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
