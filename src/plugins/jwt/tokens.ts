// Where Kong's jwt plugin looks for tokens (its handler's retrieve_tokens): the query arguments,
// then the cookies, then `Bearer <token>` in the headers named; empty values are skipped and
// the same token found twice counts once.

import { cookie } from '../../http/cookie.ts'
import { parseQueryPairs } from '../../http/url-args.ts'
import { headerTableNames, requestHeaderLines } from '../../pipeline/change-request.ts'
import type { RequestContext } from '../../pipeline/context.ts'
import type { JwtConfig } from './schema.ts'

/** What was found: none, one token, several, or a query argument without a value (Kong: not a string). */
export type Found = { kind: 'none' } | { kind: 'one'; token: string } | { kind: 'many' } | { kind: 'unrecognizable' }

export function findTokens(ctx: RequestContext, config: JwtConfig): Found {
  const found = new Set<string | true>()
  const wanted = new Set(config.uri_param_names)
  for (const [name, value] of parseQueryPairs(ctx.url.search.slice(1))) if (wanted.has(name) && value !== '') found.add(value)
  const lines = requestHeaderLines(ctx)
  for (const name of config.cookie_names) {
    const value = cookie(lines, name)
    if (value) found.add(value)
  }
  for (const name of config.header_names) {
    let value: string | undefined
    for (const candidate of headerTableNames(name)) value ??= firstLine(ctx, lines, candidate)
    // Kong's `\s*[Bb]earer\s+(.+)` without the leading `\s*`, which finds the same token
    // unanchored but takes quadratic time over a long run of spaces.
    const token = value === undefined ? undefined : /[Bb]earer\s+(.+)/.exec(value)?.[1]
    if (token) found.add(token)
  }
  if (found.size === 0) return { kind: 'none' }
  if (found.size > 1) return { kind: 'many' }
  const [token] = found
  return token === true ? { kind: 'unrecognizable' } : { kind: 'one', token }
}

/**
 * The first line of a header, as Kong reads a repeated one. Where the runtime joined repeated
 * lines (Workers, Deno), the part before the first `, ` (a token holds no comma).
 */
function firstLine(ctx: RequestContext, lines: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  if (!ctx.client.raw) return ctx.headers.get(name)?.split(', ')[0]
  return lines.find(([line]) => line === name)?.[1]
}
