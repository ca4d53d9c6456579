// The file's upstreams with their targets, as Kong's balancer loads them
// (https://github.com/Kong/kong/blob/master/kong/runloop/balancer/targets.lua): every target of
// an upstream, formatted as Kong's targets DAO formats it (port 8000 where none is written), in
// file order. The same written target twice under one upstream has Kong's derived id twice and is
// refused there; two spellings of one address (`10.0.0.1`, `10.0.0.1:8000`) are two targets, as
// in Kong, whose weights add up.

import type { GatewayTarget, GatewayUpstream } from './config.ts'
import { checkUpstream, targetAddress, type UpstreamFields } from './entities/upstream.ts'
import type { Entry } from './flatten.ts'
import type { References } from './references.ts'
import { type ConfigProblem, joinPath } from './validate.ts'

export function buildUpstreams(entries: readonly Entry[], refs: References, problems: ConfigProblem[]): GatewayUpstream[] {
  const targets = new Map<Entry, GatewayTarget[]>()
  for (const entry of entries) {
    const upstream = entry.kind.name === 'targets' ? refs.target(entry, 'upstream') : undefined
    if (!upstream || typeof entry.fields.target !== 'string') continue
    const { host, port } = targetAddress(entry.fields.target)
    const list = targets.get(upstream) ?? []
    targets.set(upstream, list)
    list.push({
      id: refs.idOf(entry),
      tags: (entry.fields.tags as string[] | undefined) ?? [],
      target: `${host.includes(':') ? `[${host}]` : host}:${port}`,
      host,
      port,
      weight: entry.fields.weight as number,
    })
  }
  const upstreams: GatewayUpstream[] = []
  for (const entry of entries) {
    if (entry.kind.name !== 'upstreams') continue
    const { id: _id, tags, created_at: _c, updated_at: _u, _comment, _ignore, use_srv_name, ...fields } = entry.fields as UpstreamFields
    if (!entry.valid) continue
    checkUpstream(entry.fields as UpstreamFields, entry.path, problems)
    if (fields.algorithm === 'latency') problems.push({ path: joinPath(entry.path, 'algorithm'), message: "algorithm 'latency' is not supported" })
    if (use_srv_name) problems.push({ path: joinPath(entry.path, 'use_srv_name'), message: 'not supported: targets are not resolved through DNS SRV records' })
    const certificate = refs.target(entry, 'client_certificate')
    if (certificate) problems.push({ path: joinPath(entry.path, 'client_certificate'), message: "not supported: set the service's client_certificate" })
    upstreams.push({
      ...fields,
      path: entry.path,
      id: refs.idOf(entry),
      tags: tags ?? [],
      targets: targets.get(entry) ?? [],
      ...(certificate ? { client_certificate: refs.idOf(certificate) } : {}),
    })
  }
  return upstreams
}
