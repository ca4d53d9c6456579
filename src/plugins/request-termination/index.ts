// The request-termination plugin (Kong's kong/plugins/request-termination, priority 2): answers
// in the access phase with a fixed status and message or body, or echoes the request; with a
// `trigger`, only requests carrying that header or query argument
// (https://github.com/Kong/kong/blob/master/kong/plugins/request-termination/handler.lua).
// Its priority is Kong's lowest: on a route where an earlier plugin answers (aws-lambda, 750),
// it never runs, as in Kong.

import type { Bytes } from '../../encoding/base64.ts'
import { responseOf } from '../../http/held-body.ts'
import { NULL_BODY_STATUSES } from '../../http/null-body.ts'
import { jsonResponse } from '../../pipeline/answers.ts'
import type { RequestContext } from '../../pipeline/context.ts'
import type { PluginDefinition } from '../../pipeline/plugin.ts'
import { parseArgs } from '../aws-lambda/request-args.ts'
import { echoBody } from './echo.ts'
import { checkRequestTermination, type RequestTerminationConfig, requestTerminationSchema } from './schema.ts'

/** Kong's message for a status, when `message` is not set. */
const DEFAULT_MESSAGES: Readonly<Record<number, string>> = {
  401: 'Unauthorized',
  404: 'Not found',
  405: 'Method not allowed',
  500: 'An unexpected error occurred',
  502: 'Bad Gateway',
  503: 'Service unavailable',
}

export const requestTerminationPlugin: PluginDefinition<typeof requestTerminationSchema> = {
  name: 'request-termination',
  priority: 2,
  schema: requestTerminationSchema,
  check: checkRequestTermination,
  // With a trigger, the other requests go on to the upstream.
  terminates: (config) => config.trigger === undefined,
  create(config, setup) {
    const status = config.status_code
    if (status < 200)
      setup.log.warn(`status_code ${status} cannot be sent as a response: requests this plugin answers will answer 500`, { route: setup.route.label })
    const message = config.message ?? DEFAULT_MESSAGES[status]
    const fixed = fixedAnswer(config, message)
    // A 204, 205 or 304 carries no body, whatever is configured (nginx drops it).
    const echo =
      config.echo && !NULL_BODY_STATUSES.has(status) ? { nodeId: setup.services.once('node-id', () => crypto.randomUUID()), route: setup.route } : undefined
    return {
      async access(ctx) {
        if (config.trigger !== undefined && !triggered(ctx, config.trigger)) return undefined
        return echo ? jsonResponse(status, await echoBody(ctx, message, echo)) : fixed()
      },
    }
  },
}

/** Kong's `kong.response.exit` with the configured body, or the message as JSON, or no body. */
function fixedAnswer(config: RequestTerminationConfig, message: string | undefined): () => Response {
  const status = config.status_code
  if (NULL_BODY_STATUSES.has(status)) return () => new Response(null, { status })
  if (config.body !== undefined) {
    // Bytes, so that no Content-Type is made up: Kong sends one only when content_type is set.
    const body = new TextEncoder().encode(config.body) as Bytes
    const headers: Record<string, string> = config.content_type === undefined ? {} : { 'content-type': config.content_type }
    return () => responseOf(body, { status, headers })
  }
  if (message !== undefined) return () => jsonResponse(status, { message })
  return () => responseOf(new Uint8Array(), { status })
}

/**
 * The trigger is a header (any case; `_` for `-`, as nginx's header table reads it) or a query
 * argument (its exact name), with any value or none.
 */
function triggered(ctx: RequestContext, trigger: string): boolean {
  return ctx.headers.has(trigger.replaceAll('_', '-')) || Object.hasOwn(parseArgs(ctx.url.search.slice(1)), trigger)
}
