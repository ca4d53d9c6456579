// The emulator's InvokeWithResponseStream: streamified handlers (awslambda.streamifyResponse,
// HttpResponseStream.from) answered in event-stream frames as they write, a failure mid-stream
// in InvokeComplete, any other handler's result as one chunk; and a gateway route with
// `response_streaming` served by it end to end, chunk by chunk.

import { fileURLToPath } from 'node:url'
import { AwsV4Signer } from 'aws4fetch'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_CREDENTIALS, type RunningEmulator, startEmulator } from '../../src/emulator/server.ts'
import { createGateway } from '../../src/gateway.ts'
import { createLogger } from '../../src/log.ts'
import { buildGatewayConfig } from '../../src/model/declarative.ts'
import { EventStreamDecoder } from '../../src/plugins/aws-lambda/stream/event-stream.ts'

const FUNCTIONS_DIR = fileURLToPath(new URL('./functions', import.meta.url))
let emulator: RunningEmulator

beforeAll(async () => {
  emulator = await startEmulator({ functionsDir: FUNCTIONS_DIR, log: () => {} })
})
afterAll(() => emulator.close())

async function invokeStream(name: string, payload: unknown, headers: Record<string, string> = {}) {
  const signer = new AwsV4Signer({
    url: `${emulator.url}/2021-11-15/functions/${name}/response-streaming-invocations`,
    method: 'POST',
    headers,
    body: JSON.stringify(payload),
    accessKeyId: DEMO_CREDENTIALS.accessKeyId,
    secretAccessKey: DEMO_CREDENTIALS.secretAccessKey,
    service: 'lambda',
    region: 'us-east-1',
  })
  const { url, method, headers: signed, body } = await signer.sign()
  return fetch(url, { method, headers: signed, body })
}

/** The frames of an answer, each as it arrived: its event type and payload. */
async function frames(response: Response): Promise<Array<{ type: string; payload: string }>> {
  const decoder = new EventStreamDecoder()
  const read: Array<{ type: string; payload: string }> = []
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    decoder.write(chunk)
    for (let message = decoder.read(); message; message = decoder.read()) {
      read.push({ type: String(message.headers[':event-type']), payload: new TextDecoder().decode(message.payload) })
    }
  }
  return read
}

describe('InvokeWithResponseStream', () => {
  it("a streamified handler's writes arrive as PayloadChunk frames with its content type, then InvokeComplete", async () => {
    const response = await invokeStream('stream-chunks', { name: 'ada' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/plain')
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/)
    expect(await frames(response)).toEqual([
      { type: 'PayloadChunk', payload: 'first ada\n' },
      { type: 'PayloadChunk', payload: 'second\n' },
      { type: 'PayloadChunk', payload: 'third\n' },
      { type: 'InvokeComplete', payload: '{}' },
    ])
  })

  it('HttpResponseStream.from writes the prelude and its eight NUL bytes first, under the HTTP integration content type', async () => {
    const response = await invokeStream('stream-http', {})
    expect(response.headers.get('content-type')).toBe('application/vnd.awslambda.http-integration-response')
    const [prelude, ...rest] = await frames(response)
    expect(prelude.payload).toBe(
      `${JSON.stringify({ statusCode: 201, headers: { 'Content-Type': 'text/event-stream', 'X-Streamed': 'yes' }, cookies: ['a=1; Path=/'] })}${'\0'.repeat(8)}`,
    )
    expect(rest.map((frame) => frame.payload)).toEqual(['data: one\n\n', 'data: two\n\n', '{}'])
  })

  it("a failure after the first chunk ends the stream with InvokeComplete's ErrorCode and ErrorDetails; LogType Tail adds the log", async () => {
    const response = await invokeStream('stream-fail', {}, { 'X-Amz-Log-Type': 'Tail' })
    const read = await frames(response)
    expect(read[0]).toEqual({ type: 'PayloadChunk', payload: 'partial\n' })
    const complete = JSON.parse(read[1].payload) as { ErrorCode: string; ErrorDetails: string; LogResult: string }
    expect([read[1].type, complete.ErrorCode, complete.ErrorDetails]).toEqual(['InvokeComplete', 'TypeError', 'broke mid-stream'])
    expect(Buffer.from(complete.LogResult, 'base64').toString()).toContain('Invoke Error')
  })

  it('a handler that returns without ending its stream is ended for it; a handler that does not stream answers in one chunk', async () => {
    expect(await frames(await invokeStream('stream-unended', {}))).toEqual([
      { type: 'PayloadChunk', payload: 'not ended\n' },
      { type: 'InvokeComplete', payload: '{}' },
    ])
    expect(await frames(await invokeStream('echo', { hello: 'world' }))).toEqual([
      { type: 'PayloadChunk', payload: '{"hello":"world"}' },
      { type: 'InvokeComplete', payload: '{}' },
    ])
  })

  it('Event invocations are refused, as InvokeWithResponseStream has none', async () => {
    const response = await invokeStream('stream-chunks', {}, { 'X-Amz-Invocation-Type': 'Event' })
    expect(response.status).toBe(400)
    expect(((await response.json()) as { message: string }).message).toContain('Member must satisfy enum value set: [RequestResponse, DryRun]')
  })
})

describe('a response_streaming route served by the emulator', () => {
  it('answers chunk by chunk, the HTTP integration prelude as status and headers', async () => {
    const plugin = (function_name: string) => ({
      name: 'aws-lambda',
      config: {
        function_name,
        response_streaming: true,
        aws_region: 'us-east-1',
        aws_key: DEMO_CREDENTIALS.accessKeyId,
        aws_secret: DEMO_CREDENTIALS.secretAccessKey,
        host: '127.0.0.1',
        port: emulator.port,
        disable_https: true,
      },
    })
    const config = buildGatewayConfig(
      {
        _format_version: '3.0',
        routes: [
          { name: 'chunks', paths: ['/chunks'], plugins: [plugin('stream-chunks')] },
          {
            name: 'events',
            paths: ['/events'],
            plugins: [{ ...plugin('stream-http'), config: { ...plugin('stream-http').config, is_proxy_integration: true } }],
          },
        ],
      },
      {},
    )
    const gateway = createGateway({ config, env: {}, log: createLogger('error', () => {}) })
    const chunks = (await gateway.handle(new Request('http://gateway.test/chunks?name=grace'))).response
    expect(chunks.status).toBe(200)
    const received: string[] = []
    for await (const chunk of chunks.body as unknown as AsyncIterable<Uint8Array>) received.push(new TextDecoder().decode(chunk))
    expect(received.join('')).toBe('first grace\nsecond\nthird\n')
    const events = (await gateway.handle(new Request('http://gateway.test/events'))).response
    expect([events.status, events.headers.get('content-type'), events.headers.get('x-streamed'), events.headers.get('set-cookie')]).toEqual([
      201,
      'text/event-stream',
      'yes',
      'a=1; Path=/',
    ])
    expect(await events.text()).toBe('data: one\n\ndata: two\n\n')
  })
})
