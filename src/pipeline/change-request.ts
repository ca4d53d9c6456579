// Changing the request for the plugins after and the upstream (Kong's `kong.service.request`:
// `set_header`, `set_headers`, `clear_header`, `set_query`). Where the runtime kept the request
// as received (Node's `client.raw`: header lines apart, the target), it is changed in step, so
// an API Gateway event still gets a repeated header as separate values and the query as sent.

import type { RequestContext } from './context.ts'

type HeaderLines = ReadonlyArray<readonly [string, string]>

/** The request's header lines, names in lower case: apart where the runtime kept them, else as fetch joined them. */
export function requestHeaderLines(ctx: Pick<RequestContext, 'client' | 'headers'>): HeaderLines {
  return ctx.client.raw?.headerLines ?? [...ctx.headers]
}

/**
 * The names a configured header name finds, as the table of Kong's `kong.request.get_headers`
 * (nginx's, with `underscores_in_headers on`) looks one up: in lower case, then with `_` read as `-`.
 */
export function headerTableNames(name: string): string[] {
  const lower = name.toLowerCase()
  return lower.includes('_') ? [lower, lower.replaceAll('_', '-')] : [lower]
}

/**
 * The first line of a header as Kong's `kong.request.get_header` reads it (nginx's `$http_…`
 * variable): the name without case, `-` and `_` alike.
 */
export function firstHeaderLine(ctx: Pick<RequestContext, 'client' | 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase().replaceAll('-', '_')
  return requestHeaderLines(ctx).find(([line]) => line.replaceAll('-', '_') === wanted)?.[1]
}

/** The request's headers become `lines` (names in lower case). */
export function setRequestHeaderLines(ctx: Pick<RequestContext, 'client' | 'headers'>, lines: HeaderLines): void {
  // A new Headers: the request's own may be immutable (Workers).
  const headers = new Headers()
  for (const [name, value] of lines) headers.append(name, value)
  ctx.headers = headers
  const raw = ctx.client.raw
  if (raw) ctx.client = { ...ctx.client, raw: { ...raw, headerLines: lines } }
}

/** Sets one request header, replacing every line of that name. */
export function setRequestHeader(ctx: Pick<RequestContext, 'client' | 'headers'>, name: string, value: string): void {
  const lower = name.toLowerCase()
  setRequestHeaderLines(ctx, [...requestHeaderLines(ctx).filter(([line]) => line !== lower), [lower, value]])
}

/** The request's query becomes `query` (without `?`; empty: none). */
export function setRequestQuery(ctx: Pick<RequestContext, 'client' | 'url'>, query: string): void {
  const url = new URL(ctx.url)
  url.search = query === '' ? '' : `?${query}`
  ctx.url = url
  const raw = ctx.client.raw
  if (raw) {
    const start = raw.target.indexOf('?')
    const path = start === -1 ? raw.target : raw.target.slice(0, start)
    ctx.client = { ...ctx.client, raw: { ...raw, target: query === '' ? path : `${path}?${query}` } }
  }
}
