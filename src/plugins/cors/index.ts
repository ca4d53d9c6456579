// The cors plugin (Kong's kong/plugins/cors, priority 2000): answers a preflight request (OPTIONS
// with Origin and Access-Control-Request-Method) itself in the access phase, unless
// `preflight_continue`, and adds the CORS headers to every other answer on its way out, whoever
// made it (the function, another plugin, an error), as Kong's header_filter does
// (https://github.com/Kong/kong/blob/master/kong/plugins/cors/handler.lua).

import { withEditedHeaders } from '../../http/edit-headers.ts'
import { responseOf } from '../../http/held-body.ts'
import type { PluginDefinition } from '../../pipeline/plugin.ts'
import { RequestSlot } from '../../pipeline/request-slot.ts'
import { originPolicy } from './origins.ts'
import { type CorsConfig, corsSchema } from './schema.ts'

export const corsPlugin: PluginDefinition<typeof corsSchema> = {
  name: 'cors',
  priority: 2000,
  schema: corsSchema,
  // Kong's schema: `consumer = typedefs.no_consumer` (a preflight carries no credentials).
  noConsumer: true,
  create(config) {
    const allowOrigin = originPolicy(config.origins)
    // Preflight requests, whose answers get no CORS header on their way out (Kong's
    // skip_response_headers): answered here with them, or passed on with `preflight_continue`.
    const preflights = new RequestSlot<true>()
    return {
      access(ctx) {
        const origin = ctx.headers.get('origin')
        if (ctx.method !== 'OPTIONS' || !origin || !ctx.headers.has('access-control-request-method')) return undefined
        preflights.set(ctx, true)
        if (config.preflight_continue) return undefined
        const headers = new Headers({ 'content-length': '0' })
        allowOrigin({ headers, addVary: false }, origin, config.credentials)
        preflightHeaders(config, ctx.headers, headers)
        return responseOf(new Uint8Array(), { status: 200, headers })
      },
      response(ctx, response) {
        if (preflights.get(ctx)) return response
        const origin = ctx.headers.get('origin')
        if (!origin && !config.allow_origin_absent) return response
        return withEditedHeaders(response, (headers) => {
          allowOrigin({ headers, addVary: true }, origin, config.credentials)
          if (config.exposed_headers?.length) headers.set('access-control-expose-headers', config.exposed_headers.join(','))
        })
      },
    }
  },
}

/** What only a preflight answer says: which headers, methods and for how long, and private networks. */
function preflightHeaders(config: CorsConfig, request: Headers, headers: Headers): void {
  const requested = request.get('access-control-request-headers')
  if (config.headers?.length) headers.set('access-control-allow-headers', config.headers.join(','))
  else if (requested !== null) headers.set('access-control-allow-headers', requested)
  headers.set('access-control-allow-methods', config.methods.join(','))
  if (config.max_age !== undefined) headers.set('access-control-max-age', String(config.max_age))
  if (config.private_network && request.get('access-control-request-private-network') === 'true') {
    headers.set('access-control-allow-private-network', 'true')
  }
}
