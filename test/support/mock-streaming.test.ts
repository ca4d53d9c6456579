// The mock's InvokeWithResponseStream answers, read by the AWS SDK's own event-stream decoder:
// the frames the gateway is tested against are frames AWS's clients accept.

import { InvokeWithResponseStreamCommand, LambdaClient } from '@aws-sdk/client-lambda'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type MockLambda, startMockLambda } from './mock-lambda.ts'
import { STREAM_TAIL_LOG } from './mock-streaming-functions.ts'

let mock: MockLambda
let client: LambdaClient
beforeAll(async () => {
  mock = await startMockLambda()
  client = new LambdaClient({ region: 'us-east-1', endpoint: mock.url, credentials: { accessKeyId: 'mock-key', secretAccessKey: 'mock-secret' } })
})
afterAll(async () => {
  client.destroy()
  await mock.close()
})

async function invokeStreaming(functionName: string, key: string) {
  const output = await client.send(new InvokeWithResponseStreamCommand({ FunctionName: functionName, Payload: JSON.stringify({ key }) }))
  let body = ''
  const completions: unknown[] = []
  for await (const event of output.EventStream!) {
    if (event.PayloadChunk?.Payload) body += new TextDecoder().decode(event.PayloadChunk.Payload)
    if (event.InvokeComplete) completions.push(event.InvokeComplete)
  }
  return { contentType: output.ResponseStreamContentType, body, completions }
}

describe('mock InvokeWithResponseStream, through the AWS SDK', () => {
  it('a released function streams its chunks and InvokeComplete with the log tail; the SDK signature is accepted', async () => {
    const key = crypto.randomUUID()
    await fetch(`${mock.url}/__streams/${key}/release`, { method: 'POST' }) // before the function waits: it does not
    const result = await invokeStreaming('streamSse', key)
    expect(result.contentType).toBe('application/vnd.awslambda.http-integration-response')
    expect(result.body).toBe(
      '{"statusCode":200,"headers":{"Content-Type":"text/event-stream","Cache-Control":"no-cache"}}\0\0\0\0\0\0\0\0data: one\n\ndata: two\n\n',
    )
    expect(result.completions).toEqual([{ LogResult: Buffer.from(STREAM_TAIL_LOG).toString('base64') }])
    expect(mock.invocations.at(-1)).toMatchObject({ rawPath: '/2021-11-15/functions/streamSse/response-streaming-invocations', signatureValid: true })
  })

  it('a function error is InvokeComplete with ErrorCode and ErrorDetails', async () => {
    const result = await invokeStreaming('streamErrorFirst', crypto.randomUUID())
    expect(result.completions).toEqual([{ ErrorCode: expect.stringContaining('Unhandled'), ErrorDetails: expect.stringContaining('boom') }])
  })

  it.each([
    ['message', 'streamBadCrc'],
    ['prelude', 'streamBadPreludeCrc'],
  ])('a corrupted %s CRC is refused by the SDK too', async (which, functionName) => {
    await expect(invokeStreaming(functionName, crypto.randomUUID())).rejects.toThrow(`The ${which} checksum`)
  })
})
