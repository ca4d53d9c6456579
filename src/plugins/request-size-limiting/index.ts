// The request-size-limiting plugin (Kong's kong/plugins/request-size-limiting, priority 951):
// refuses a request whose body is larger than allowed, from its Content-Length when it has one
// (the body is then not read), else by reading the body
// (https://github.com/Kong/kong/blob/master/kong/plugins/request-size-limiting/handler.lua).
//
// The body is read with the gateway's reader, which stops at CLIENT_MAX_BODY_SIZE: a body past
// that is also past this plugin's limit when the limit is not larger, and is answered as this
// plugin answers; past a larger limit, it is the gateway's own 413 (`Request body too large`).

import { errorResponse } from '../../pipeline/answers.ts'
import type { RequestContext } from '../../pipeline/context.ts'
import type { PluginDefinition } from '../../pipeline/plugin.ts'
import { BodyTooLarge } from '../../pipeline/request.ts'
import { requestSizeLimitingSchema, UNIT_BYTES } from './schema.ts'

export const requestSizeLimitingPlugin: PluginDefinition<typeof requestSizeLimitingSchema> = {
  name: 'request-size-limiting',
  priority: 951,
  schema: requestSizeLimitingSchema,
  create(config) {
    const allowed = config.allowed_payload_size * UNIT_BYTES[config.size_unit]
    return {
      async access(ctx) {
        const declared = ctx.headers.get('content-length')
        const size = declared !== null && /^\d+$/.test(declared) ? Number(declared) : await bodySize(ctx, allowed, config.require_content_length)
        if (size === 'no length') return errorResponse(411, 'A valid Content-Length header is required', ctx.requestId)
        if (size <= allowed) return undefined
        // The client waits for a go-ahead before sending its body: 417 tells it not to send it.
        const status = ctx.headers.get('expect')?.trim().toLowerCase() === '100-continue' ? 417 : 413
        return errorResponse(status, 'Request size limit exceeded', ctx.requestId)
      },
    }
  },
}

/** The size of a body without a Content-Length, read to count it (Infinity: past CLIENT_MAX_BODY_SIZE, itself past `allowed`). */
async function bodySize(ctx: RequestContext, allowed: number, requireLength: boolean): Promise<number | 'no length'> {
  if (requireLength && ctx.headers.get('transfer-encoding') !== 'chunked') return 'no length'
  try {
    return (await ctx.readBody())?.byteLength ?? 0
  } catch (error) {
    if (error instanceof BodyTooLarge && error.limit >= allowed) return Number.POSITIVE_INFINITY
    throw error
  }
}
