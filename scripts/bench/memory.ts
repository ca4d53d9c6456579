// Whether a target's memory stays flat under steady load: its RSS after a warm-up, then after
// each of several consecutive runs of the same load. Growth that continues from run to run
// would be a leak; a step during the first run is the heap reaching its working size.
// And what a request in flight holds: whether a proxy streams bodies or buffers them.

import { setTimeout as sleep } from 'node:timers/promises'
import { nodeThroughput, quantiles, throughput } from './load.ts'
import type { RunningServer } from './servers.ts'

export async function rssOverRuns(server: RunningServer, url: string, body: Buffer, runs: number, seconds: number, connections: number): Promise<number[]> {
  await throughput(url, body, seconds, connections)
  const rss = [server.usage().rssMiB]
  for (let run = 0; run < runs; run++) {
    await throughput(url, body, seconds, connections)
    rss.push(server.usage().rssMiB)
  }
  return rss
}

/**
 * Bytes held per request in flight: with `connections` requests of `body` in flight all along
 * (closed-loop load from node:http, answers read and dropped), the process's memory after a
 * full garbage collection (memory-probe.ts), sampled every 250 ms; the median sample less the
 * same taken idle just before, divided by `connections`. Garbage is not counted, so a proxy
 * that streams holds its chunks in flight and a proxy that buffers holds the whole body.
 */
export async function retainedPerRequest(server: RunningServer, url: string, body: Buffer, seconds: number, connections: number): Promise<number> {
  const idle = await server.retainedBytes()
  const load = nodeThroughput(url, body, seconds, connections, 30)
  let loading = true
  void load.finally(() => {
    loading = false
  })
  const samples: number[] = []
  await sleep(Math.min(1000, (seconds * 1000) / 4))
  while (loading) {
    samples.push(await server.retainedBytes())
    await sleep(250)
  }
  const run = await load
  if (run.failures > 0) throw new Error(`${url}: ${run.failures} requests failed while measuring memory`)
  return (quantiles(samples).p50 - idle) / connections
}
