// The load part of a run: a suite's targets, all started, take the same load round after
// round, either in turn (the order reversed every other round) or, with `together`, all at the
// same time, each with connections of its own (all driven from this process). Loaded one after
// the other for a whole run each, every target met the shared machine's load of its own
// minute. Taking turns in short rounds brings the runs compared closer in time; together,
// whatever else the machine runs slows every target at once. Together, though, the targets
// also share the two cores, and the scheduler gives the busier (costlier) one the larger share:
// its req/s ratio to a cheaper target then comes out above their inverse CPU ratio, so read
// both.

import { median, type Throughput } from './load.ts'
import type { RunningServer } from './servers.ts'

export interface RoundTarget {
  server: RunningServer
  /** One round of load on this target. */
  load(seconds: number): Promise<Throughput>
}

export interface InRounds extends Throughput {
  /** The target process's CPU time per answered request, over its rounds. */
  cpuUsPerRequest: number
  /** Each round's req/s, in the order the rounds ran. */
  roundsPerSecond: number[]
  /** How many targets took the load at the same time as this one (1: in turn). */
  loadedWith: number
}

/**
 * `run`'s req/s to `base`'s: the median of their rounds' ratios (each round's two runs close in
 * time, or at the same time, so a moment of load elsewhere on the machine moves one ratio, not
 * the median), or of the whole runs when they did not run the same rounds.
 */
export function requestsRatio(run: InRounds, base: InRounds): number {
  if (run.roundsPerSecond.length !== base.roundsPerSecond.length) return run.requestsPerSecond / base.requestsPerSecond
  return median(run.roundsPerSecond.map((perSecond, i) => perSecond / base.roundsPerSecond[i]))
}

/**
 * `rounds` rounds of `seconds / rounds` each per target, in turn or `together`. Requests,
 * failures and CPU are summed over a target's rounds (in turn, its CPU only while it took the
 * load); p50 is the median of its rounds' and p99 the worst round's.
 */
export async function inRounds(targets: readonly RoundTarget[], seconds: number, rounds: number, together = false): Promise<InRounds[]> {
  const runs = targets.map(() => ({ rounds: [] as Throughput[], cpuMs: 0 }))
  const run = async (i: number) => {
    const before = targets[i].server.usage().cpuMs
    runs[i].rounds.push(await targets[i].load(seconds / rounds))
    runs[i].cpuMs += targets[i].server.usage().cpuMs - before
  }
  for (let round = 0; round < rounds; round++) {
    const order = targets.map((_, i) => i)
    if (round % 2 === 1) order.reverse()
    if (together) {
      // Every round's load ended before a failure stops the run (and the servers with it).
      const failed = (await Promise.allSettled(order.map(run))).find((outcome) => outcome.status === 'rejected')
      if (failed) throw failed.reason
    } else for (const i of order) await run(i)
  }
  return runs.map(({ rounds: each, cpuMs }) => {
    const requests = sum(each.map((run) => run.requests))
    return {
      requests,
      requestsPerSecond: requests / seconds,
      roundsPerSecond: each.map((run) => run.requestsPerSecond),
      p50Ms: median(each.map((run) => run.p50Ms)),
      p99Ms: Math.max(...each.map((run) => run.p99Ms)),
      failures: sum(each.map((run) => run.failures)),
      cpuUsPerRequest: (cpuMs * 1000) / requests,
      loadedWith: together ? targets.length : 1,
    }
  })
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)
