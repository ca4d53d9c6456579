// `npm run dev`: the Worker in local workerd (`wrangler dev`) serving the embedded demo
// (examples/demo.yml), with the local Lambda emulator beside it on 127.0.0.1:9001 — local
// Workers development that needs no AWS account and no network.

import { spawn } from 'node:child_process'
import { readConfigFile } from '../src/cli/config-file.ts'

// Read as the Node entry reads it (merge keys included), handed to the Worker as JSON. On Workers,
// /hello is also rate-limited with the `cluster` policy, so that the Durable Objects the Worker
// binds (wrangler.toml) run locally too: 60 requests a minute per client.
const demo = await readConfigFile('examples/demo.yml')
const rateLimit = { name: 'rate-limiting', route: 'hello', config: { policy: 'cluster', limit_by: 'ip', minute: 60 } }
const config = JSON.stringify({ ...demo, plugins: [...(demo.plugins ?? []), rateLimit] })
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false' }
const emulator = spawn(process.execPath, ['src/emulator/main.ts', '--functions', 'examples/functions', '--port', '9001'], { stdio: 'inherit', env })
const wrangler = spawn('npx', ['wrangler', 'dev', '--ip', '127.0.0.1', '--port', '8787', '--var', `GATEWAY_CONFIG:${config}`], { stdio: 'inherit', env })

const stop = () => {
  emulator.kill('SIGTERM')
  wrangler.kill('SIGTERM')
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
// Either one ending ends both: a gateway without its functions, or the reverse, is no demo.
wrangler.once('exit', (code) => {
  emulator.kill('SIGTERM')
  process.exitCode = code ?? 0
})
emulator.once('exit', (code) => {
  wrangler.kill('SIGTERM')
  if (code) process.exitCode = code
})
