// Backpressure, in one process where it can be counted: Lambda's event stream is an upstream
// body that could give 1000 chunks at once; the gateway may only read what its client takes.
// The fetch handed to the route is the transport (what a runtime entry supplies), not a stub
// of the gateway's own code.

import { describe, expect, it } from 'vitest'
import { createLogger } from '../../../src/log.ts'
import { buildGatewayConfig } from '../../../src/model/declarative.ts'
import { UNKNOWN_CLIENT } from '../../../src/pipeline/request.ts'
import { createLambdaHandler } from '../../../src/plugins/aws-lambda/handler.ts'
import type { LambdaRequest } from '../../../src/plugins/aws-lambda/lambda-request.ts'
import type { AwsLambdaConfig } from '../../../src/plugins/aws-lambda/schema.ts'
import { invokeComplete, payloadChunk } from '../../support/event-stream-encoder.ts'

const CHUNKS = 1000

/** An InvokeWithResponseStream answer that counts how many of its frames were pulled; it breaks when its call is aborted, as a fetch body does. */
function lambdaAnswer() {
  const state = { pulled: 0, aborted: false }
  let stream: ReadableStreamDefaultController<Uint8Array>
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        stream = controller
      },
      pull(controller) {
        state.pulled++
        controller.enqueue(state.pulled <= CHUNKS ? payloadChunk(`chunk ${state.pulled}\n`) : invokeComplete())
        if (state.pulled > CHUNKS) controller.close()
      },
    },
    { highWaterMark: 0 },
  )
  const abort = (reason: unknown) => {
    state.aborted = true
    stream.error(reason)
  }
  return { state, body, abort }
}

function streamingHandler(answer: ReturnType<typeof lambdaAnswer>, timeout = 60_000) {
  const { plugins } = buildGatewayConfig(
    {
      _format_version: '3.0',
      routes: [
        { paths: ['/'], plugins: [{ name: 'aws-lambda', config: { function_name: 'fn', aws_region: 'us-east-1', response_streaming: true, timeout } }] },
      ],
    },
    {},
  )
  return createLambdaHandler({
    label: 'r',
    methods: [],
    config: plugins[0].config as AwsLambdaConfig,
    region: 'us-east-1',
    log: createLogger('error', () => {}),
    credentials: async () => ({ accessKeyId: 'AKID', secretAccessKey: 'secret' }),
    fetch: async (_url, init) => {
      init.signal?.addEventListener('abort', () => answer.abort(init.signal?.reason))
      return new Response(answer.body, { headers: { 'content-type': 'text/plain' } })
    },
  })
}

const request = (): LambdaRequest => ({
  method: 'GET',
  url: new URL('http://gateway.test/'),
  headers: new Headers(),
  body: null,
  bodyTooLarge: false,
  match: { requestPath: '/', path: '/', captures: {}, matchedPath: '/' },
  upstreamPath: '/',
  client: UNKNOWN_CLIENT,
  receivedAt: 0,
  requestId: 'req',
  gatewayRequestId: 'req',
  log: createLogger('error', () => {}),
  timing: {},
})

/** Lets every pending task run (a gateway that buffered would read everything meanwhile). */
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0))
}

describe('response streaming backpressure', () => {
  it('reads from Lambda only as the client reads', async () => {
    const answer = lambdaAnswer()
    const response = await streamingHandler(answer)(request())
    const reader = response.body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('chunk 1\n')
    await settle()
    expect(answer.state.pulled).toBeLessThanOrEqual(2)
    for (let i = 2; i <= 10; i++) expect(new TextDecoder().decode((await reader.read()).value)).toBe(`chunk ${i}\n`)
    await settle()
    expect(answer.state.pulled).toBeLessThanOrEqual(11)
    await reader.cancel()
    expect(answer.state.aborted).toBe(true)
  })

  it('a client that pauses longer than timeout is not Lambda being silent: the stream goes on', async () => {
    const answer = lambdaAnswer()
    const response = await streamingHandler(answer, 50)(request())
    const reader = response.body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('chunk 1\n')
    // The client stops reading for four times the route's timeout; Lambda has more to give.
    await new Promise((resolve) => setTimeout(resolve, 200))
    let chunks = 1
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) chunks++
    expect(chunks).toBe(CHUNKS)
    expect(answer.state.aborted).toBe(false)
  })
})
