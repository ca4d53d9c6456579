// A stand-in for a route's function or service in plugin tests: it answers with the request
// headers the upstream would get, as JSON, once the plugins before it are done.

import type { PluginDefinition } from '../../src/pipeline/plugin.ts'

export const headersUpstream: PluginDefinition = {
  name: 'test-upstream',
  priority: 1,
  schema: {},
  terminates: () => true,
  create: () => ({ access: (ctx) => Response.json(Object.fromEntries(ctx.headers)) }),
}
