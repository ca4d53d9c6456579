// The key-auth plugin (Kong's kong/plugins/key-auth, priority 1250): the request is the consumer
// whose key it carries, in a header, the query or the body, under one of `key_names`
// (https://github.com/Kong/kong/blob/master/kong/plugins/key-auth/handler.lua).

import { fieldBytes, utf8Bytes } from '../../http/field-text.ts'
import { argsMap, queryWithout } from '../../http/url-args.ts'
import { type Attempt, anonymousConsumer, authenticateRequest } from '../../pipeline/authenticate.ts'
import { headerTableNames, requestHeaderLines, setRequestHeaderLines, setRequestQuery } from '../../pipeline/change-request.ts'
import type { RequestContext } from '../../pipeline/context.ts'
import type { PluginDefinition } from '../../pipeline/plugin.ts'
import { type BodyFields, readBodyFields } from './body.ts'
import { findKey, indexKeys, type KeyIndex } from './keys.ts'
import { type KeyAuthConfig, keyAuthSchema } from './schema.ts'

/** A key name sent twice (a header or query argument repeated, a JSON list or object). */
const DUPLICATE = Symbol('duplicate')

export const keyAuthPlugin: PluginDefinition<typeof keyAuthSchema> = {
  name: 'key-auth',
  priority: 1250,
  schema: keyAuthSchema,
  noConsumer: true,
  create(config, setup) {
    const anonymous = anonymousConsumer(config.anonymous, setup.consumers, setup.path)
    const keys = setup.services.once('key-auth:keys', () => indexKeys(setup.consumers.credentials.keyauth, setup.services.signingCrypto))
    const challenge = config.realm === undefined ? 'Key' : `Key realm="${config.realm}"`
    return {
      access(ctx) {
        if (!config.run_on_preflight && ctx.method === 'OPTIONS') return undefined
        return authenticateRequest(ctx, anonymous, challenge, () => attempt(ctx, config, keys))
      },
    }
  },
}

async function attempt(ctx: RequestContext, config: KeyAuthConfig, keys: KeyIndex): Promise<Attempt> {
  const key = await presentedKey(ctx, config)
  if (key === DUPLICATE) return 'Duplicate API key found'
  if (key === undefined || key === '') return 'No API key found in request'
  const credential = await findKey(keys, key)
  return credential ? { credential, identifier: credential.id } : 'Unauthorized'
}

/**
 * Kong's search: for each name in turn, its header, else its query argument, else its body
 * field; the first string is the key (empty: none), a value sent twice ends the search. A query
 * argument without `=` (`?apikey`) is no key, and the search goes on.
 */
async function presentedKey(ctx: RequestContext, config: KeyAuthConfig): Promise<string | typeof DUPLICATE | undefined> {
  const query = config.key_in_query ? argsMap(ctx.url.search.slice(1)) : undefined
  let body: Promise<BodyFields | undefined> | undefined
  const bodyFields = () => (body ??= readBodyFields(ctx))
  for (const name of config.key_names) {
    let value: unknown = config.key_in_header ? headerValue(ctx, name) : undefined
    // A query argument's or body field's text, as the bytes it was sent as (UTF-8).
    if (value === undefined) value = asBytes(query?.get(name))
    if (value === undefined && config.key_in_body) value = asBytes((await bodyFields())?.get(name))
    if (typeof value === 'string') {
      if (config.hide_credentials) hide(ctx, name, config.key_in_body ? await bodyFields() : undefined)
      return value
    }
    if (typeof value === 'object' && value !== null) return DUPLICATE
  }
  return undefined
}

/** The header's value; a header sent on two lines is a list (Node, where lines stay apart). */
function headerValue(ctx: RequestContext, name: string): string | string[] | undefined {
  const lines = requestHeaderLines(ctx)
  for (const candidate of headerTableNames(name)) {
    // Keys are compared as bytes, as Kong compares them: a header's as they came.
    const values = lines.filter(([line]) => line === candidate).map(([, value]) => fieldBytes(value))
    if (values.length > 0) return values.length === 1 ? values[0] : values
  }
  return undefined
}

/**
 * `hide_credentials`: the name leaves the query (the other arguments keep their order, decoded
 * and encoded again, as Kong's clear_query_arg does), the headers and, with `key_in_body`, the body.
 */
function hide(ctx: RequestContext, name: string, body: BodyFields | undefined): void {
  if (ctx.url.search.length > 1) setRequestQuery(ctx, queryWithout(ctx.url.search, name))
  const names = headerTableNames(name)
  setRequestHeaderLines(
    ctx,
    requestHeaderLines(ctx).filter(([line]) => !names.includes(line)),
  )
  body?.remove(ctx, name)
}

/** A text value's UTF-8 bytes; a list's each; anything else as it is. */
function asBytes(value: unknown): unknown {
  if (typeof value === 'string') return utf8Bytes(value)
  return Array.isArray(value) ? value.map(asBytes) : value
}
