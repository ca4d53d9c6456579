// The part of autocannon's API the benchmark uses (the package ships no types).
declare module 'autocannon' {
  interface Options {
    url: string
    method?: string
    body?: Buffer | string
    headers?: Record<string, string>
    connections?: number
    pipelining?: number
    duration?: number
    /** Seconds an answer may take before the request counts as a timeout (default 10). */
    timeout?: number
  }
  interface Histogram {
    average: number
    p50: number
    p99: number
  }
  interface Result {
    requests: Histogram & { total: number }
    latency: Histogram
    errors: number
    timeouts: number
    non2xx: number
  }
  export default function autocannon(options: Options): Promise<Result>
}
