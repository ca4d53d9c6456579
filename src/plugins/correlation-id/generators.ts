// The ids correlation-id makes, after Kong's generators
// (https://github.com/Kong/kong/blob/master/kong/plugins/correlation-id/handler.lua). One set per
// gateway instance (a process on Node and Deno, an isolate on Workers), as Kong has one per nginx
// worker: `uuid#counter` counts the requests of the instance.

import type { RequestContext } from '../../pipeline/context.ts'
import type { CorrelationIdConfig } from './schema.ts'

export type Generator = (ctx: Pick<RequestContext, 'url'>) => string

export function generators(): Record<CorrelationIdConfig['generator'], Generator> {
  const instanceId = crypto.randomUUID()
  // Kong's tracker names the nginx worker by its pid; an instance here has none to tell.
  const instanceNumber = crypto.getRandomValues(new Uint32Array(1))[0]
  let counter = 0
  let serial = 0
  return {
    uuid: () => crypto.randomUUID(),
    'uuid#counter': () => `${instanceId}#${++counter}`,
    tracker: (ctx) => {
      // nginx's `$server_addr-$server_port-pid-$connection-$connection_requests-now`, where a
      // server without nginx's view has: the host and port the request was sent to, the
      // instance's number, a serial number per request (as if each came on its own connection)
      // and 1, and the time in seconds with milliseconds.
      const port = ctx.url.port || (ctx.url.protocol === 'https:' ? '443' : '80')
      return `${ctx.url.hostname}-${port}-${instanceNumber}-${++serial}-1-${(Date.now() / 1000).toFixed(3)}`
    },
  }
}
