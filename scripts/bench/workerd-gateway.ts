// A bench target: the Worker as deployed (the wrangler bundle) in workerd through Miniflare,
// serving the declarative config in the file given, with the rate-limit counters' Durable
// Object namespace bound. `node workerd-gateway.ts CONFIG.json`; logs servers.ts's listening line.

import { readFileSync } from 'node:fs'
import { bundleWorker, startWorkerdGateways } from '../../test/support/workerd-gateways.ts'

const config = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as unknown
const gateways = await startWorkerdGateways(bundleWorker(), config)
console.error(JSON.stringify({ msg: 'listening', url: gateways.url.origin }))
process.once('SIGTERM', () => void gateways.dispose().then(() => process.exit(0)))
