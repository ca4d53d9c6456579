// The streaming case: time to the first body byte and to the end of a streamed
// answer (STREAM in bench-config.ts), through the gateway (response_streaming, proxy
// integration) and straight from the InvokeWithResponseStream endpoint, signed as the gateway
// signs. Several streams at a time, each timed in µs from before it is signed or sent.

import http from 'node:http'
import { fromStatic } from '../../src/credentials/static.ts'
import { buildGatewayConfig } from '../../src/model/declarative.ts'
import { invokeTarget, signInvoke } from '../../src/plugins/aws-lambda/invoke.ts'
import type { AwsLambdaConfig } from '../../src/plugins/aws-lambda/schema.ts'
import { nodeSigningCrypto } from '../../src/runtime/node/signing-crypto.ts'
import { CREDENTIALS, gatewayConfig, REGION, STREAM } from './bench-config.ts'
import { type Quantiles, quantiles } from './load.ts'

export interface StreamTimes {
  streams: number
  ttfbMs: Quantiles
  totalMs: Quantiles
}

interface Call {
  url: string
  headers: Record<string, string>
  body: string
}

/** Straight to the Lambda server's streaming Invoke endpoint, each call signed. */
export function directCalls(lambdaUrl: string): () => Promise<Call> {
  const config = buildGatewayConfig(gatewayConfig(lambdaUrl), {})
    .plugins.map((plugin) => plugin.config as AwsLambdaConfig)
    .find((c) => c.response_streaming)!
  const target = invokeTarget(config, REGION, fromStatic(CREDENTIALS.accessKeyId, CREDENTIALS.secretAccessKey), nodeSigningCrypto)
  const body = JSON.stringify({ httpMethod: 'GET', path: STREAM.proxyPath })
  return async () => {
    const signed = await signInvoke(target, body)
    return { url: signed.url, headers: signed.headers, body }
  }
}

/** Through the gateway's streaming route. */
export function gatewayCalls(gatewayUrl: string): () => Promise<Call> {
  const url = new URL(STREAM.proxyPath, gatewayUrl).href
  return async () => ({ url, headers: {}, body: '' })
}

export async function streamTimes(call: () => Promise<Call>, seconds: number, concurrency: number): Promise<StreamTimes> {
  const agent = new http.Agent({ keepAlive: true })
  const ttfb: number[] = []
  const total: number[] = []
  const end = performance.now() + seconds * 1000
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          const started = performance.now()
          const { first, done } = await timedPost(await call(), agent)
          ttfb.push(first - started)
          total.push(done - started)
        }
      }),
    )
  } finally {
    agent.destroy()
  }
  return { streams: ttfb.length, ttfbMs: quantiles(ttfb), totalMs: quantiles(total) }
}

/** When the first body byte and the end arrived; rejects unless the whole stream came with a 200. */
function timedPost(call: Call, agent: http.Agent): Promise<{ first: number; done: number }> {
  const expected = (STREAM.events + 1) * STREAM.eventBytes
  return new Promise((resolve, reject) => {
    const headers = { ...call.headers, 'content-length': String(Buffer.byteLength(call.body)) }
    const request = http.request(call.url, { method: 'POST', agent, headers }, (response) => {
      let first = NaN
      let bytes = 0
      response.on('data', (chunk: Buffer) => {
        if (bytes === 0) first = performance.now()
        bytes += chunk.byteLength
      })
      response.once('end', () => {
        if (response.statusCode !== 200 || bytes < expected)
          reject(new Error(`${call.url}: status ${response.statusCode}, ${bytes} of at least ${expected} bytes`))
        else resolve({ first, done: performance.now() })
      })
      response.once('error', reject)
    })
    request.once('error', reject)
    request.end(call.body)
  })
}
