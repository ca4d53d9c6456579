// The response-transformer plugin (Kong's kong/plugins/response-transformer, priority 800):
// changes the answer's headers and, when it is JSON, its body, whoever answered
// (https://github.com/Kong/kong/blob/master/kong/plugins/response-transformer/handler.lua).
// A body change needs the whole body, as in Kong (which buffers it): a streamed answer
// (response_streaming) is read whole first, up to MAX_TRANSFORMED_BYTES; a larger one is refused
// with the sanitised 502 rather than sent untransformed (the keys it removes may be secrets).

import { type Bytes, bytesToText } from '../../encoding/base64.ts'
import { concatBytes } from '../../encoding/bytes.ts'
import { heldBody, responseOf, withHeaders } from '../../http/held-body.ts'
import { describeError } from '../../log.ts'
import { ConfigError } from '../../model/validate.ts'
import { unexpectedErrorResponse } from '../../pipeline/answers.ts'
import type { RequestContext } from '../../pipeline/context.ts'
import type { PluginDefinition } from '../../pipeline/plugin.ts'
import { unsendableHeaders } from '../shared/colon-entries.ts'
import { transformResponseHeaders } from './headers.ts'
import { transformJsonBody } from './json-body.ts'
import { isJsonContentType } from './json-type.ts'
import { type ResponseTransformerConfig, responseTransformerSchema } from './schema.ts'

/** The largest body transformed: a function's whole answer (Lambda's 6 MB limit) with headroom. */
const MAX_TRANSFORMED_BYTES = 7 * 1024 * 1024

export const responseTransformerPlugin: PluginDefinition<typeof responseTransformerSchema> = {
  name: 'response-transformer',
  priority: 800,
  schema: responseTransformerSchema,
  create(config, { path }) {
    const { remove, rename, replace, add, append } = config
    const problems = unsendableHeaders(
      {
        'remove.headers': remove.headers,
        'rename.headers': rename.headers,
        'replace.headers': replace.headers,
        'add.headers': add.headers,
        'append.headers': append.headers,
      },
      path,
    )
    if (problems.length > 0) throw new ConfigError(problems)
    const changesHeaders = Object.values(config).some((operation) => operation.headers.length > 0)
    const changesBody = Object.values(config).some((operation) => operation.json.length > 0)
    return {
      async response(ctx, response) {
        if (!changesHeaders && !changesBody) return response
        const headers = transformResponseHeaders(response.headers, config)
        if (!changesBody || !isJsonContentType(headers.get('content-type')) || response.body === null) return withExactLength(response, headers)
        return transformBody(ctx, response, headers, config)
      },
    }
  },
}

async function transformBody(ctx: RequestContext, response: Response, headers: Headers, config: ResponseTransformerConfig): Promise<Response> {
  let bytes: Bytes | undefined
  try {
    bytes = await wholeBody(response)
  } catch (error) {
    ctx.log.error(`response-transformer: the answer's body could not be read: ${describeError(error)}`, { request_id: ctx.requestId })
    return unexpectedErrorResponse(ctx.requestId, 502)
  }
  if (bytes === undefined) {
    ctx.log.error(`response-transformer: the answer's body is larger than ${MAX_TRANSFORMED_BYTES} bytes: not sent untransformed`, {
      request_id: ctx.requestId,
    })
    return unexpectedErrorResponse(ctx.requestId, 502)
  }
  const result = transformJsonBody(bytesToText(bytes), config)
  if ('failed' in result) ctx.log.warn(`response-transformer: body transform failed: ${result.failed}`, { request_id: ctx.requestId })
  const body = 'failed' in result ? bytes : (new TextEncoder().encode(result.body) as Bytes)
  headers.set('content-length', String(body.byteLength))
  return responseOf(body, { status: response.status, statusText: response.statusText, headers })
}

/** The body as bytes (held, or read from its stream), or undefined when it is larger than MAX_TRANSFORMED_BYTES. */
async function wholeBody(response: Response): Promise<Bytes | undefined> {
  const held = heldBody(response)
  if (held !== undefined) return typeof held === 'string' ? (new TextEncoder().encode(held) as Bytes) : (held as Bytes)
  const reader = response.body!.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    size += chunk.value.byteLength
    if (size > MAX_TRANSFORMED_BYTES) {
      await reader.cancel()
      return undefined
    }
    chunks.push(chunk.value)
  }
  return concatBytes(chunks, size)
}

/** `response` with `headers`; a Content-Length the operations left stays exact for a held body. */
function withExactLength(response: Response, headers: Headers): Response {
  const held = heldBody(response)
  if (held !== undefined && headers.has('content-length')) {
    headers.set('content-length', String(typeof held === 'string' ? new TextEncoder().encode(held).byteLength : held.byteLength))
  }
  return withHeaders(response, headers)
}
