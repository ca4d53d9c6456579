// Which matchers a request could match, found by lookups instead of a scan: a matcher is filed
// under its hosts (exact, `*.suffix`, `prefix.*`), under the literal its paths start with, or
// under a segment each of its regexes needs whole (`orders` in `~/(?<t>\w+)/orders/\d+$`),
// whichever shares its keys with the fewest matchers; the rest are tried for every request.
// Each list keeps the matchers in priority order, so that the caller can merge them lazily.

import type { HostPattern } from './conditions.ts'
import { foldCase } from './path-regex.ts'

export interface Filed {
  /** Position in priority order: lower is tried first. */
  rank: number
  hosts?: readonly HostPattern[]
  /** Literals one of which every matching path starts with; undefined when unknown. */
  pathKeys?: readonly string[]
  /** For each of its regexes, the segments it needs (PathRegex.segments). */
  segmentKeys?: ReadonlyArray<readonly string[]>
  /** Lists of `name:value` one of each of which the request must send (headerKeys). */
  headerKeys?: ReadonlyArray<readonly string[]>
}

export interface CandidateIndex<M> {
  /** Lists of matchers, each in priority order, whose union holds every matcher the request can match. */
  lists(hostname: string, path: string, header: (name: string) => readonly string[]): M[][]
}

/** A key per kind of host pattern, to count how many matchers share it. */
const hostKey = (pattern: HostPattern) => `${pattern.kind[0]}:${pattern.value}`

export function buildIndex<M extends Filed>(matchers: readonly M[]): CandidateIndex<M> {
  const byHost = { exact: new Map<string, M[]>(), suffix: new Map<string, M[]>(), prefix: new Map<string, M[]>() }
  const byPath = new Map<string, M[]>()
  const bySegment = new Map<string, M[]>()
  const byHeader = new Map<string, M[]>()
  const always: M[] = []
  const hostCounts = countKeys(matchers.map((m) => m.hosts?.map(hostKey)))
  const pathCounts = countKeys(matchers.map((m) => m.pathKeys))
  const segmentCounts = countKeys(matchers.map((m) => m.segmentKeys?.flat()))
  const headerCounts = countKeys(matchers.map((m) => m.headerKeys?.flat()))
  const busiest = (keys: readonly string[] | undefined, counts: Map<string, number>) => (keys ? Math.max(...keys.map((key) => counts.get(key)!)) : Infinity)
  for (const matcher of [...matchers].sort((a, b) => a.rank - b.rank)) {
    const { hosts, pathKeys, segmentKeys, headerKeys } = matcher
    // One segment per regex, the one the fewest matchers need.
    const segments = segmentKeys?.every((keys) => keys.length > 0)
      ? segmentKeys.map((keys) => keys.reduce((least, key) => (segmentCounts.get(key)! < segmentCounts.get(least)! ? key : least)))
      : undefined
    const hostCost = busiest(hosts?.map(hostKey), hostCounts)
    const pathCost = busiest(pathKeys, pathCounts)
    // One header name, the one whose values the fewest matchers need.
    const header = headerKeys?.reduce<readonly string[] | undefined>(
      (best, keys) => (busiest(keys, headerCounts) < busiest(best, headerCounts) ? keys : best),
      undefined,
    )
    const segmentCost = busiest(segments, segmentCounts)
    const least = Math.min(hostCost, pathCost, segmentCost, busiest(header, headerCounts))
    if (least === Infinity) always.push(matcher)
    else if (hostCost === least) {
      for (const kind of ['exact', 'suffix', 'prefix'] as const) {
        file(
          byHost[kind],
          hosts!.filter((pattern) => pattern.kind === kind).map((pattern) => pattern.value),
          matcher,
        )
      }
    } else if (pathCost === least) file(byPath, pathKeys!, matcher)
    else if (segmentCost === least) file(bySegment, segments!, matcher)
    else file(byHeader, header!, matcher)
  }
  const pathLengths = [...new Set([...byPath.keys()].map((key) => key.length))].sort((a, b) => a - b)
  const wildcards = byHost.suffix.size > 0 || byHost.prefix.size > 0
  const headerNames = new Set([...byHeader.keys()].map((key) => key.slice(0, key.indexOf(':'))))
  return {
    lists(hostname, path, header) {
      // A path may repeat a segment, a request a header line: each list once.
      const lists = new Set<M[]>(always.length > 0 ? [always] : [])
      const add = (list: M[] | undefined) => {
        if (list) lists.add(list)
      }
      if (bySegment.size > 0) {
        // Each segment as it is, and as a `(?i)` regex's segments are (`/` first).
        const folded = foldCase(path).split('/')
        path.split('/').forEach((segment, i) => {
          add(bySegment.get(segment))
          add(bySegment.get(`/${folded[i]}`))
        })
      }
      for (const name of headerNames) for (const value of header(name)) add(byHeader.get(`${name}:${value.toLowerCase()}`))
      add(byHost.exact.get(hostname))
      if (wildcards) {
        for (let dot = hostname.indexOf('.'); dot !== -1; dot = hostname.indexOf('.', dot + 1)) {
          add(byHost.suffix.get(hostname.slice(dot)))
          add(byHost.prefix.get(hostname.slice(0, dot + 1)))
        }
      }
      for (const length of pathLengths) {
        if (length > path.length) break
        add(byPath.get(path.slice(0, length)))
      }
      return [...lists]
    },
  }
}

function countKeys(keyLists: ReadonlyArray<readonly string[] | undefined>): Map<string, number> {
  const counts = new Map<string, number>()
  for (const keys of keyLists) for (const key of new Set(keys)) counts.set(key, (counts.get(key) ?? 0) + 1)
  return counts
}

function file<M>(map: Map<string, M[]>, keys: readonly string[], matcher: M): void {
  for (const key of new Set(keys)) {
    const list = map.get(key)
    if (list) list.push(matcher)
    else map.set(key, [matcher])
  }
}

/** The first matcher, in priority order across `lists`, that `matches` accepts. */
export function firstMatch<M extends Filed, R>(lists: M[][], matches: (matcher: M) => R | undefined): R | undefined {
  // Merging looks at every list for each matcher it tries: past a few lists (a path of many
  // segments that are keys), one sorted list costs less.
  if (lists.length > 8) lists = [lists.flat().sort((a, b) => a.rank - b.rank)]
  if (lists.length === 1) {
    for (const matcher of lists[0]) {
      const result = matches(matcher)
      if (result !== undefined) return result
    }
    return undefined
  }
  const next = lists.map(() => 0)
  for (;;) {
    let best = -1
    for (let i = 0; i < lists.length; i++) {
      if (next[i] < lists[i].length && (best === -1 || lists[i][next[i]].rank < lists[best][next[best]].rank)) best = i
    }
    if (best === -1) return undefined
    const result = matches(lists[best][next[best]++])
    if (result !== undefined) return result
  }
}
