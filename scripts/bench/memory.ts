// Whether a target's memory stays flat under steady load: its RSS and what it holds after a
// full collection, after a warm-up, then after each of several consecutive runs of the same
// load. Growth that continues from run to run would be a leak; a step in RSS during the first
// runs is the heap reaching its working size.
// What a request in flight holds: whether a proxy streams bodies or buffers them. And what an
// idle keep-alive connection holds.

import { readdirSync } from 'node:fs'
import { Agent } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { nodeThroughput, post, quantiles, throughput } from './load.ts'
import type { RunningServer } from './servers.ts'

/** The process's RSS, and what it holds after a full collection (memory-probe.ts), in MiB. */
export interface MemorySample {
  rss: number
  retained: number
}

export async function memoryOverRuns(
  server: RunningServer,
  url: string,
  body: Buffer,
  runs: number,
  seconds: number,
  connections: number,
): Promise<MemorySample[]> {
  // RSS first: the collection that measures what is retained would shrink it.
  const sample = async () => ({ rss: server.usage().rssMiB, retained: (await server.retainedBytes()) / 2 ** 20 })
  await throughput(url, body, seconds, connections)
  const samples = [await sample()]
  for (let run = 0; run < runs; run++) {
    await throughput(url, body, seconds, connections)
    samples.push(await sample())
  }
  return samples
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

export interface ConnectionMemory {
  connections: number
  /** RSS per connection, bytes. */
  rss: number
  /** Heap used + external per connection after a full collection, bytes. */
  retained: number
}

/**
 * What an idle keep-alive connection costs a server: `connections` connections opened one after
 * the other, each answering one request of `body` and then left open (one request at a time, so
 * the server needs one connection of its own upstream, not one per client); the process's
 * RSS and retained memory (memory-probe.ts) with them open, less the same just before, per
 * connection. Both taken after a full collection.
 */
export async function memoryPerConnection(server: RunningServer, url: string, body: Buffer, connections: number): Promise<ConnectionMemory> {
  // One request first, on a connection closed at once, so that one-offs are not counted.
  const warm = new Agent({ keepAlive: true })
  await post(url, body, warm)
  warm.destroy()
  const idle = { retained: await server.retainedBytes(), rss: server.usage().rssMiB, files: openFiles(server.pid) }
  const agents = Array.from({ length: connections }, () => new Agent({ keepAlive: true, maxSockets: 1 }))
  try {
    for (const agent of agents) {
      const status = await post(url, body, agent)
      if (status !== 200) throw new Error(`${url}: status ${status} while opening connections`)
    }
    // Each connection open on the server's side: no keep-alive was refused or timed out.
    if (openFiles(server.pid) - idle.files < connections) throw new Error(`${url}: fewer than ${connections} connections stayed open`)
    const retained = await server.retainedBytes()
    const rss = server.usage().rssMiB
    return { connections, rss: ((rss - idle.rss) * 2 ** 20) / connections, retained: (retained - idle.retained) / connections }
  } finally {
    for (const agent of agents) agent.destroy()
  }
}

/** The process's open file descriptors (Linux): its sockets among them. */
function openFiles(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length
}
