// A bench target: the Worker bundle (`wrangler deploy --dry-run`) served by workerd itself, as
// Cloudflare's runtime runs it: no Miniflare, whose dev proxy and entry Worker handle every
// request on their way in (workerd-gateway.ts). One isolate, the declarative config in the file
// given as GATEWAY_CONFIG, info logs (one line per request, to /dev/null), outbound fetches
// allowed to loopback. `node workerd-direct.ts CONFIG.json [BUNDLE]` (BUNDLE: a worker.js built
// before, else built now); logs servers.ts's listening line.

import { spawn } from 'node:child_process'
import { copyFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { bundleWorker, wranglerSettings } from '../../test/support/workerd-gateways.ts'

const WORKERD = join(import.meta.dirname, '../../node_modules/workerd/bin/workerd')

const bundle = process.argv[3] ?? bundleWorker()
const directory = dirname(bundle)
// Beside the bundle: the workerd config embeds both from its own directory.
copyFileSync(process.argv[2] as string, join(directory, 'kong.json'))
const { compatibilityDate, compatibilityFlags } = wranglerSettings()
writeFileSync(
  join(directory, 'workerd.capnp'),
  `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "gateway", worker = .gateway),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "gateway")],
);
const gateway :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "${basename(bundle)}")],
  compatibilityDate = ${JSON.stringify(compatibilityDate)},
  compatibilityFlags = ${JSON.stringify(compatibilityFlags)},
  bindings = [(name = "GATEWAY_CONFIG", text = embed "kong.json")],
);
`,
)

// The control descriptor tells the port the socket got.
// With WORKERD_INSPECT=HOST:PORT, the inspector protocol (workerd-profile.ts) listens there.
const inspect = process.env.WORKERD_INSPECT ? ['--inspector-addr', process.env.WORKERD_INSPECT] : []
const workerd = spawn(WORKERD, ['serve', '--control-fd', '3', ...inspect, join(directory, 'workerd.capnp')], { stdio: ['ignore', 'ignore', 'inherit', 'pipe'] })
workerd.once('exit', (code) => process.exit(code ?? 1))
createInterface({ input: workerd.stdio[3] as NodeJS.ReadableStream }).on('line', (line) => {
  const { event, socket, port } = JSON.parse(line) as { event?: string; socket?: string; port?: number }
  if (event === 'listen' && socket === 'http') console.error(JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${port}` }))
})
process.once('SIGTERM', () => workerd.kill('SIGTERM'))
