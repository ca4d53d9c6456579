// What request-termination's `echo` answers: the request as Kong's PDK reads it, and the route
// and service that matched, in the JSON shape of Kong's handler
// (https://github.com/Kong/kong/blob/master/kong/plugins/request-termination/handler.lua).

import { bytesToText } from '../../encoding/base64.ts'
import { fieldText } from '../../http/field-text.ts'
import { parseArgs } from '../../http/url-args.ts'
import type { GatewayRoute } from '../../model/declarative.ts'
import type { RequestContext } from '../../pipeline/context.ts'
import { parseBodyArgs } from '../aws-lambda/request-args.ts'

export interface EchoSetup {
  /** Kong's node id: one per gateway instance here (a Worker isolate, a process). */
  nodeId: string
  route: GatewayRoute
}

export async function echoBody(ctx: RequestContext, message: string | undefined, { nodeId, route }: EchoSetup): Promise<Record<string, unknown>> {
  const raw = await ctx.readBody()
  // As Kong's get_raw_body and get_body: a body nginx would have spooled to disk is neither.
  const inMemory = !ctx.bodyTooLarge()
  const parsed = await parseBodyArgs(ctx.headers.get('content-type'), raw, !inMemory)
  const captures = ctx.match.captures
  return {
    message,
    kong: { node_id: nodeId },
    request: {
      scheme: ctx.url.protocol.slice(0, -1),
      host: ctx.url.hostname,
      port: Number(ctx.url.port) || (ctx.url.protocol === 'https:' ? 443 : 80),
      // Values whose bytes are UTF-8 as that text, as Kong's JSON carries them.
      headers: Object.fromEntries(
        [...(ctx.headers.has('host') ? [] : [['host', ctx.url.host]]), ...ctx.headers].map(([name, value]) => [name, fieldText(value)]),
      ),
      query: parseArgs(ctx.url.search.slice(1)),
      body: parsed.kind === 'parsed' ? parsed.args : undefined,
      raw_body: inMemory ? (raw === null ? '' : bytesToText(raw)) : undefined,
      method: ctx.method,
      path: ctx.match.requestPath,
      // The router names its named groups only: they are also the numbered ones here.
      uri_captures: { named: captures, unnamed: Object.values(captures) },
    },
    matched_route: {
      name: nameOf(route.label),
      hosts: listOrNull(route.hosts),
      paths: listOrNull(route.paths),
      methods: listOrNull(route.methods),
      strip_path: route.stripPath,
      regex_priority: route.regexPriority,
    },
    matched_service: route.service ? { name: nameOf(route.service.label) } : undefined,
  }
}

/** An entity's label is its name, else its place in the file (`routes[2]`), which no Kong name can be. */
function nameOf(label: string): string | null {
  return label.includes('[') ? null : label
}

/** Kong's entities hold null for a list that is not set. */
function listOrNull(list: readonly string[] | undefined): readonly string[] | null {
  return list !== undefined && list.length > 0 ? list : null
}
