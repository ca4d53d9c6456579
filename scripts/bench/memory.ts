// Whether a target's memory stays flat under steady load: its RSS after a warm-up, then after
// each of several consecutive runs of the same load. Growth that continues from run to run
// would be a leak; a step during the first run is the heap reaching its working size.

import { throughput } from './load.ts'
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
