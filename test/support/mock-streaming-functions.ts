// The mock Lambda's InvokeWithResponseStream functions (POST /2021-11-15/functions/{name}/
// response-streaming-invocations), in real event-stream frames. A function that waits does so
// for the test, not for a clock: it holds its next chunk until the test releases its key
// (POST /__streams/{key}/release), and GET /__streams/{key}/closed answers once its
// connection has closed, with whether it finished and how many bytes it had written (every
// write waits for the client to take the one before: what is written is what was read, but
// for the sockets' buffers). Tests run in other runtimes (workerd, Deno)
// reach both over HTTP. The key is the `key` query argument, which reaches the function in
// the payload (Kong's default payload mode).
import { Buffer } from 'node:buffer'
import type { ServerResponse } from 'node:http'
import { getOrCreate } from '../../src/get-or-create.ts'
import { invokeComplete, payloadChunk, withBadMessageCrc, withBadPreludeCrc } from './event-stream-encoder.ts'
import { overCapFrames } from './mock-invoke-limits.ts'

export const STREAM_PATH = /^\/2021-11-15\/functions\/([^/]+)\/response-streaming-invocations$/
/** InvokeComplete's LogResult: the gateway logs it at debug. */
export const STREAM_TAIL_LOG = 'START RequestId: foo\nstreamed-log-line\nEND RequestId: foo\n'
const SECRET_DETAILS = 'boom at arn:aws:lambda:us-east-1:123456789012:function:secretFunctionName'
const HTTP_INTEGRATION = 'application/vnd.awslambda.http-integration-response'
const NUL8 = Buffer.alloc(8)

interface Deferred<T> {
  promise: Promise<T>
  resolve(value: T): void
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((done) => (resolve = done))
  return { promise, resolve }
}

/** Per key, made by whichever side comes first (the test may release before the function waits). */
function keyed<T>() {
  const map = new Map<string, Deferred<T>>()
  return (key: string) => getOrCreate(map, key, () => deferred<T>())
}
const releases = keyed<void>()
/** How a function's connection ended: whether it wrote its whole answer, and how much of it. */
export interface ClosedState {
  finished: boolean
  written: number
}
const closings = keyed<ClosedState>()

export interface StreamingReply {
  status: number
  headers: Record<string, string>
  stream: (res: ServerResponse) => void
}

/** The control endpoints, or undefined for any other request. */
export function streamControl(method: string | undefined, rawUrl: string): Promise<{ status: number; body: string }> | undefined {
  const match = /^\/__streams\/([\w-]+)\/(release|closed)$/.exec(rawUrl)
  if (!match) return undefined
  const [, key, action] = match
  if (action === 'release' && method === 'POST') {
    releases(key).resolve()
    return Promise.resolve({ status: 200, body: '{}' })
  }
  if (action === 'closed' && method === 'GET') return whenClosed(key).then((state) => ({ status: 200, body: JSON.stringify(state) }))
  return undefined
}

export type Step = Buffer | 'release' | 'hold'

/** The function's frames, `release` waits for the test's signal; undefined: not a streaming function. */
function framesOf(name: string, payload: Buffer): { contentType: string; steps: Iterable<Step> } | undefined {
  const prelude = (metadata: unknown) => Buffer.concat([Buffer.from(JSON.stringify(metadata)), NUL8])
  const done = invokeComplete({ LogResult: Buffer.from(STREAM_TAIL_LOG).toString('base64') })
  if (name.includes('streamGated')) {
    return { contentType: 'text/plain', steps: [payloadChunk('first chunk\n'), 'release', payloadChunk('second chunk\n'), done] }
  }
  if (name.includes('streamHttp')) {
    // The prelude and its delimiter cut across two chunks, as a runtime may write them.
    const head = prelude({
      statusCode: 201,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Stream': 'yes', 'Content-Length': '999', Connection: 'close' },
      cookies: ['a=1; Path=/; HttpOnly', 'b=2'],
    })
    const cut = head.length - 5
    return {
      contentType: HTTP_INTEGRATION,
      steps: [
        payloadChunk(head.subarray(0, cut)),
        payloadChunk(Buffer.concat([head.subarray(cut), Buffer.from('hello ')])),
        'release',
        payloadChunk('world'),
        done,
      ],
    }
  }
  if (name.includes('streamSse')) {
    const head = prelude({ statusCode: 200, headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' } })
    return { contentType: HTTP_INTEGRATION, steps: [payloadChunk(head), payloadChunk('data: one\n\n'), 'release', payloadChunk('data: two\n\n'), done] }
  }
  if (name.includes('streamPreludeFromBody')) {
    // The prelude is the client's request body (an API Gateway event's text body): the test chooses the status and headers.
    const metadata = Buffer.from(String(JSON.parse(payload.toString('utf8')).body))
    return { contentType: HTTP_INTEGRATION, steps: [payloadChunk(Buffer.concat([metadata, NUL8])), payloadChunk('streamed body'), done] }
  }
  if (name.includes('streamCrlf')) {
    return {
      contentType: HTTP_INTEGRATION,
      steps: [payloadChunk(prelude({ statusCode: 200, headers: { 'X-Evil': 'a\r\nSet-Cookie: pwned=1' } })), payloadChunk('injected?'), done],
    }
  }
  if (name.includes('streamMidError')) {
    return {
      contentType: 'text/plain',
      steps: [payloadChunk('partial output'), 'release', invokeComplete({ ErrorCode: 'Unhandled', ErrorDetails: SECRET_DETAILS })],
    }
  }
  if (name.includes('streamErrorFirst')) {
    // An ErrorCode carrying an ARN, as seen from a third-party implementation: never for clients.
    return { contentType: 'text/plain', steps: [invokeComplete({ ErrorCode: `Unhandled ${SECRET_DETAILS}`, ErrorDetails: SECRET_DETAILS })] }
  }
  if (name.includes('streamBadCrc') || name.includes('streamBadPreludeCrc')) {
    const corrupt = (name.includes('Prelude') ? withBadPreludeCrc : withBadMessageCrc)(payloadChunk('corrupted'))
    const steps: Step[] = [corrupt, payloadChunk('never sent'), done]
    return { contentType: 'text/plain', steps: name.includes('AfterStart') ? [payloadChunk('good chunk'), 'release', ...steps] : steps }
  }
  if (name.includes('streamLateStart')) {
    // Nothing at all until the test releases it: a client may leave before the answer starts.
    return { contentType: 'text/plain', steps: ['release', payloadChunk('late'), done] }
  }
  if (name.includes('streamFlood')) {
    // 64 MiB as fast as it is taken: far more than the buffers between a gateway and a client that stopped reading hold.
    const chunk = payloadChunk(Buffer.alloc(256 * 1024, 0x61))
    return { contentType: 'application/octet-stream', steps: [...Array.from({ length: 256 }, () => chunk), done] }
  }
  if (name.includes('streamHang')) return { contentType: 'text/plain', steps: [payloadChunk('first chunk'), 'hold'] }
  if (name.includes('streamOverCap')) return { contentType: 'application/octet-stream', steps: overCapFrames() }
  // JSON across chunks (response-transformer reads a streamed answer whole), and 8 MiB of it.
  if (name.includes('streamJsonFlood')) {
    const chunk = payloadChunk(Buffer.alloc(256 * 1024, 0x20))
    return {
      contentType: 'application/json',
      steps: [payloadChunk('{"secret":"s3cr3t","pad":"'), ...Array.from({ length: 32 }, () => chunk), payloadChunk('"}'), done],
    }
  }
  if (name.includes('streamJson')) {
    return { contentType: 'application/json', steps: [payloadChunk('{"keep":"yes",'), payloadChunk('"secret":"s3cr3t"}'), done] }
  }
  return undefined
}

/** Undefined when `name` is not a streaming function (it then answers as an Invoke would, e.g. apiError404). */
export function streamingReply(name: string, payload: Buffer): StreamingReply | undefined {
  const frames = framesOf(name, payload)
  if (!frames) return undefined
  return { status: 200, headers: { 'Content-Type': frames.contentType }, stream: (res) => writeSteps(res, keyOf(payload), frames.steps) }
}

/** The `key` argument of the function's payload (Kong's default payload mode), else `none`. */
export function keyOf(payload: Buffer): string {
  try {
    return String(JSON.parse(payload.toString('utf8')).key ?? 'none')
  } catch {
    return 'none' // no key: nothing waits for a release
  }
}

/** Resolves once the connection of the answer written for `key` has closed. */
export function whenClosed(key: string): Promise<ClosedState> {
  return closings(key).promise
}

/** Writes `steps` as the client takes them, and reports to /__streams/{key}/closed how the connection ended. */
export function writeSteps(res: ServerResponse, key: string, steps: Iterable<Step>): void {
  let written = 0
  res.on('close', () => closings(key).resolve({ finished: res.writableFinished, written }))
  res.flushHeaders()
  void (async () => {
    for (const step of steps) {
      if (res.destroyed) return
      if (step === 'hold') return // until the client side closes the connection
      if (step === 'release') await releases(key).promise
      else {
        written += step.length
        if (!res.write(step)) await drainedOrClosed(res)
      }
    }
    res.end()
  })()
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}
