// Two gateways in two workerd isolates (the deployed bundle in Miniflare), sharing one Durable
// Object namespace: the `cluster` policy holds one limit across both — N + k requests spread
// over them get exactly N through — where `local`, counted per isolate, lets each isolate
// pass its own N.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startUpstreamServers, type UpstreamServers } from '../support/upstream-servers.ts'
import { withinOneWindow } from '../support/window-retry.ts'
import { bundleWorker, startWorkerdGateways, type WorkerdGateways } from '../support/workerd-gateways.ts'

const LIMIT = 10
const EXTRA = 10

let upstream: UpstreamServers
let gateways: WorkerdGateways

beforeAll(async () => {
  upstream = await startUpstreamServers()
  const limited = (policy: string) => ({
    name: `${policy}.isolates.cluster.test`,
    hosts: [`${policy}.isolates.cluster.test`],
    plugins: [{ name: 'rate-limiting', config: { policy, limit_by: 'header', header_name: 'x-client', minute: LIMIT } }],
  })
  const config = { _format_version: '3.0', services: [{ name: 'echo', url: upstream.echoUrl, routes: [limited('cluster'), limited('local')] }] }
  gateways = await startWorkerdGateways(bundleWorker(), config, 2)
}, 120_000)

afterAll(async () => {
  await gateways?.dispose()
  await upstream?.close()
})

let clients = 0

/** N + k requests at once, alternating between the isolates; the statuses by isolate. */
async function spread(policy: string): Promise<number[][]> {
  const client = `client-${++clients}`
  const statuses = await Promise.all(
    Array.from({ length: LIMIT + EXTRA }, async (_, i) => {
      const isolate = i % 2
      const response = await gateways.isolates[isolate]!(`http://${policy}.isolates.cluster.test/`, { 'x-client': client })
      await response.arrayBuffer()
      return [isolate, response.status] as const
    }),
  )
  return [0, 1].map((isolate) => statuses.filter(([from]) => from === isolate).map(([, status]) => status))
}

// A case run again waits for the next minute first.
describe('two workerd isolates sharing one Durable Object namespace', { timeout: 150_000 }, () => {
  // Which isolate's requests win the last units is a race: only the total is asserted (with
  // `local`, below, the same requests all pass, so the total shows the count is shared).
  it(`cluster: ${LIMIT} + ${EXTRA} requests over both get exactly ${LIMIT} through`, () =>
    withinOneWindow(60_000, async () => {
      const [first, second] = await spread('cluster')
      const passed = [...first!, ...second!].filter((status) => status === 200)
      expect(passed).toHaveLength(LIMIT)
      expect([...first!, ...second!].filter((status) => status !== 200)).toEqual(Array(EXTRA).fill(429))
    }))

  it(`local: each isolate counts its own, so the ${LIMIT} + ${EXTRA} requests all get through (the limit is per isolate)`, () =>
    withinOneWindow(60_000, async () => {
      const [first, second] = await spread('local')
      expect([...first!, ...second!]).toEqual(Array(LIMIT + EXTRA).fill(200))
    }))
})
