// The request-transformer plugin (Kong's kong/plugins/request-transformer, priority 801): changes
// the request before the plugins after it (aws-lambda: the function's event) see it, in Kong's
// order — the path, the method, the headers, the body, the query
// (https://github.com/Kong/kong/blob/master/kong/plugins/request-transformer/access.lua).

import { type Bytes, bytesToText } from '../../encoding/base64.ts'
import { argsMap, encodeArgs, orderedQuery } from '../../http/url-args.ts'
import { ConfigError } from '../../model/validate.ts'
import { requestHeaderLines, setRequestHeader, setRequestHeaderLines, setRequestQuery } from '../../pipeline/change-request.ts'
import type { RequestContext } from '../../pipeline/context.ts'
import type { PluginDefinition } from '../../pipeline/plugin.ts'
import { unsendableHeaders, utf8Entries } from '../shared/colon-entries.ts'
import { hasOperations, type Operations, transformArgs } from './entries.ts'
import { transformHeaders } from './headers.ts'
import { transformJsonBody } from './json-body.ts'
import { transformMultipartBody } from './multipart.ts'
import { type RequestTransformerConfig, requestTransformerSchema } from './schema.ts'

/** The methods Kong's `kong.service.request.set_method` takes; another fails every request (500), as in Kong. */
const METHODS = new Set([
  'GET',
  'HEAD',
  'PUT',
  'POST',
  'DELETE',
  'OPTIONS',
  'MKCOL',
  'COPY',
  'MOVE',
  'PROPFIND',
  'PROPPATCH',
  'LOCK',
  'UNLOCK',
  'PATCH',
  'TRACE',
])

const encoder = new TextEncoder()

export const requestTransformerPlugin: PluginDefinition<typeof requestTransformerSchema> = {
  name: 'request-transformer',
  priority: 801,
  schema: requestTransformerSchema,
  create(config, { log, route, path }) {
    const { replace, add, append } = config
    const problems = unsendableHeaders({ 'replace.headers': replace.headers, 'add.headers': add.headers, 'append.headers': append.headers }, path, true)
    if (problems.length > 0) throw new ConfigError(problems)
    const [query, body] = (['querystring', 'body'] as const).map((part) => operationsOn(config, part))
    // Values are text, sent as their UTF-8 bytes as Kong sends them (`Zürich`, `東京`).
    const configured = operationsOn(config, 'headers')
    const headers = { ...configured, replace: utf8Entries(configured.replace), add: utf8Entries(configured.add), append: utf8Entries(configured.append) }
    const method = config.http_method
    const uri = config.replace.uri
    // Kong's schema takes these, and then every request fails: said once at start.
    if (method !== undefined && !METHODS.has(method))
      log.warn(`request-transformer: http_method ${method} is not a method Kong can set: every request will answer 500`, { route: route.label })
    if (uri !== undefined && !uri.startsWith('/'))
      log.warn(`request-transformer: replace.uri ${uri} does not start with /: every request will answer 500`, { route: route.label })
    return {
      async access(ctx) {
        if (uri !== undefined) {
          if (!uri.startsWith('/')) throw new Error(`request-transformer: replace.uri must start with /`)
          ctx.upstreamPath = uri
        }
        if (method !== undefined) await transformMethod(ctx, method)
        if (hasOperations(headers)) {
          const transformed = transformHeaders(requestHeaderLines(ctx), headers)
          setRequestHeaderLines(ctx, transformed.lines)
          // Kong's set_headers makes a Host it sets the upstream's (var.upstream_host), as preserve_host would.
          if (transformed.host !== undefined) ctx.upstreamHost = transformed.host
        }
        if (hasOperations(body)) await transformBody(ctx, body)
        if (hasOperations(query)) {
          const args = argsMap(ctx.url.search.slice(1))
          transformArgs(args, query)
          setRequestQuery(ctx, orderedQuery(args))
        }
        return undefined
      },
    }
  },
}

function operationsOn(config: RequestTransformerConfig, part: 'headers' | 'querystring' | 'body'): Operations {
  const { remove, rename, replace, add, append } = config
  return { remove: remove[part], rename: rename[part], replace: replace[part], add: add[part], append: append[part] }
}

/** Kong's content types for bodies: a substring of the Content-Type, JSON first. */
function bodyKind(contentType: string | null): 'json' | 'multipart' | 'form' | undefined {
  const type = contentType?.toLowerCase() ?? ''
  if (type.includes('application/json')) return 'json'
  if (type.includes('multipart/form-data')) return 'multipart'
  if (type.includes('application/x-www-form-urlencoded')) return 'form'
  return undefined
}

/** The new method; to GET, HEAD or TRACE, a form body's arguments join the query (the body stays). */
async function transformMethod(ctx: RequestContext, method: string): Promise<void> {
  if (!METHODS.has(method)) throw new Error(`request-transformer: invalid method: ${method}`)
  ctx.method = method
  if (!['GET', 'HEAD', 'TRACE'].includes(method) || bodyKind(ctx.headers.get('content-type')) !== 'form') return
  const body = await ctx.readBody()
  const params = argsMap(body === null ? '' : bytesToText(body))
  if (params.size === 0) return
  const args = argsMap(ctx.url.search.slice(1))
  for (const [name, value] of params) {
    const current = args.get(name)
    args.set(name, current === undefined ? value : [current, value].flat())
  }
  setRequestQuery(ctx, orderedQuery(args))
}

/**
 * A form, JSON or multipart body changed, with its new Content-Length. Kong reads no body that
 * nginx spooled to disk and treats it as empty (an `add` then replaces it); here every body is
 * read whole (CLIENT_MAX_BODY_SIZE caps it).
 */
async function transformBody(ctx: RequestContext, operations: Operations): Promise<void> {
  const contentType = ctx.headers.get('content-type')
  const kind = bodyKind(contentType)
  if (kind === undefined) return
  const body = await ctx.readBody()
  let changed: Bytes | undefined
  if (kind === 'multipart') changed = transformMultipartBody(body, contentType!, operations)
  else {
    const text = body === null ? '' : bytesToText(body)
    const result = kind === 'json' ? transformJsonBody(text, operations) : transformFormBody(text, operations)
    if (result !== undefined) changed = encoder.encode(result) as Bytes
  }
  if (changed === undefined) return
  ctx.setBody(changed)
  setRequestHeader(ctx, 'content-length', String(changed.byteLength))
}

function transformFormBody(text: string, operations: Operations): string | undefined {
  const args = argsMap(text)
  return transformArgs(args, operations, text.length > 0) ? encodeArgs(args) : undefined
}
