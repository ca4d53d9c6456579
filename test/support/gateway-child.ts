// A gateway in a process of its own (`node --expose-gc test/support/gateway-child.ts --config
// FILE …`), for tests that measure its memory or load it from another core. Over the IPC
// channel it says its URL once listening, and answers 'memory' with process.memoryUsage()
// taken after a full garbage collection. It stops when the parent disconnects.

import { startNodeServer } from '../../src/node.ts'

const server = await startNodeServer(process.argv.slice(2))
if (!server) process.exit(1)
process.send?.({ url: server.url })
process.on('message', (message) => {
  if (message !== 'memory') return
  globalThis.gc?.()
  process.send?.({ memory: process.memoryUsage() })
})
process.on('disconnect', () => void server.close().then(() => process.exit(0)))
