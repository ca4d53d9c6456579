// The ways a target is measured: autocannon's throughput under concurrent keep-alive load,
// the same load from node:http where answers are large (autocannon appends every body chunk
// to a string, decoding it as UTF-8: about 16 ms per 1 MiB answer, which caps any target at
// ~60 req/s), and the latency of one request at a time, timed in microseconds (autocannon's
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
export async function throughput(url: string, body: Buffer, seconds: number, connections: number, timeoutSeconds = 10, rate?: number): Promise<Throughput> {
  const result = await autocannon({
    // A fixed rate (req/s over all connections) rather than as fast as the target answers.
    ...(rate === undefined ? {} : { overallRate: rate }),
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

/**
 * What `throughput` measures, sent from node:http: `connections` keep-alive connections, each
 * sending its next request when the previous answer has been read (and dropped) to the end.
 */
export async function nodeThroughput(url: string, body: Buffer, seconds: number, connections: number, timeoutSeconds = 10): Promise<Throughput> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections })
  const samples: number[] = []
  let failures = 0
  const end = performance.now() + seconds * 1000
  try {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < end) {
          const started = performance.now()
          const status = await post(url, body, agent, timeoutSeconds).catch(() => 0)
          if (status >= 200 && status < 300) samples.push(performance.now() - started)
          else failures++
        }
      }),
    )
  } finally {
    agent.destroy()
  }
  const { p50, p99 } = quantiles(samples)
  // Whole milliseconds, as autocannon reports them.
  return { requestsPerSecond: samples.length / seconds, requests: samples.length, p50Ms: Math.round(p50), p99Ms: Math.round(p99), failures }
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

/** The middle value, or the mean of the middle two. */
export function median(numbers: readonly number[]): number {
  const sorted = numbers.toSorted((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

export function quantiles(samples: readonly number[]): Quantiles {
  const sorted = samples.toSorted((a, b) => a - b)
  const at = (quantile: number) => sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))]
  return { p50: at(0.5), p99: at(0.99) }
}

export function post(url: string, body: Buffer, agent: http.Agent, timeoutSeconds?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/octet-stream', 'content-length': body.byteLength },
        ...(timeoutSeconds ? { signal: AbortSignal.timeout(timeoutSeconds * 1000) } : {}),
      },
      (response) => {
        response.resume()
        response.once('end', () => resolve(response.statusCode ?? 0))
        response.once('error', reject)
      },
    )
    request.once('error', reject)
    request.end(body)
  })
}
