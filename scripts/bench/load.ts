// The two ways a target is measured: autocannon's throughput under concurrent keep-alive
// load, and the latency of one request at a time, timed in microseconds (autocannon's
// histogram keeps whole milliseconds, too coarse for the latency a gateway adds).

import http from 'node:http'
import autocannon from 'autocannon'

export interface Throughput {
  requestsPerSecond: number
  /** Answered in the whole run. */
  requests: number
  p50Ms: number
  p99Ms: number
  /** Connection errors, timeouts and non-2xx answers: any is a failed run. */
  failures: number
}

/** `timeoutSeconds`: how long a request may wait for its answer before it counts as failed. */
export async function throughput(url: string, body: Buffer, seconds: number, connections: number, timeoutSeconds = 10): Promise<Throughput> {
  const result = await autocannon({
    url,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/octet-stream' },
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: timeoutSeconds,
  })
  return {
    requestsPerSecond: result.requests.average,
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.errors + result.timeouts + result.non2xx,
  }
}

export interface Latency {
  p50Ms: number
  p99Ms: number
}

/** One keep-alive connection, one request at a time, for `seconds`. */
export async function sequentialLatency(url: string, body: Buffer, seconds: number): Promise<Latency> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const samples: number[] = []
  const end = performance.now() + seconds * 1000
  try {
    while (performance.now() < end) {
      const started = performance.now()
      const status = await post(url, body, agent)
      if (status !== 200) throw new Error(`${url} answered ${status}`)
      samples.push(performance.now() - started)
    }
  } finally {
    agent.destroy()
  }
  const { p50, p99 } = quantiles(samples)
  return { p50Ms: p50, p99Ms: p99 }
}

export interface Quantiles {
  p50: number
  p99: number
}

export function quantiles(samples: readonly number[]): Quantiles {
  const sorted = samples.toSorted((a, b) => a - b)
  const at = (quantile: number) => sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))]
  return { p50: at(0.5), p99: at(0.99) }
}

function post(url: string, body: Buffer, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/octet-stream', 'content-length': body.byteLength } },
      (response) => {
        response.resume()
        response.once('end', () => resolve(response.statusCode ?? 0))
      },
    )
    request.once('error', reject)
    request.end(body)
  })
}
