// Kong's query-string arguments: parsed as ngx.req.get_uri_args and ngx.decode_args do (`+`
// and percent-escapes decoded, a repeated key becomes an array, a key without `=` is `true`),
// written back as ngx.encode_args and Kong's `kong.service.request.set_query` write them.

export type ArgValue = string | true | Array<string | true>
export type Args = Record<string, ArgValue>

export function parseArgs(query: string): Args {
  // fromEntries defines own properties, so a `__proto__` key stays an ordinary key.
  return Object.fromEntries(argsMap(query))
}

/** The arguments of `query` by key, in the order the keys first appear. */
export function argsMap(query: string): Map<string, ArgValue> {
  const args = new Map<string, ArgValue>()
  for (const [key, value] of parseQueryPairs(query)) addRepeatable(args, key, value)
  return args
}

/** The decoded key/value pairs of a query string, in order; a key without `=` has the value `true`. */
export function parseQueryPairs(query: string): Array<[string, string | true]> {
  const pairs: Array<[string, string | true]> = []
  for (const pair of query.split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const key = decodeComponent(eq === -1 ? pair : pair.slice(0, eq))
    if (key !== '') pairs.push([key, eq === -1 ? true : decodeComponent(pair.slice(eq + 1))])
  }
  return pairs
}

/** A key seen once maps to its value; a repeated key to the list of its values. */
export function addRepeatable<T>(map: Map<string, T | T[]>, key: string, value: T): void {
  const previous = map.get(key)
  if (previous === undefined) map.set(key, value)
  else if (Array.isArray(previous)) previous.push(value)
  else map.set(key, [previous, value])
}

/** A query component as Kong's args are decoded: `+` is a space, a broken escape stays as written and the others are decoded. */
export function decodeComponent(text: string): string {
  const spaced = text.replaceAll('+', ' ')
  try {
    return decodeURIComponent(spaced)
  } catch {
    // Kong leaves malformed escapes as they are and still decodes the others; runs of
    // escapes are decoded together so that multi-byte characters survive.
    return spaced.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run)
      } catch {
        return run
      }
    })
  }
}

/**
 * ngx.encode_args: `key=value` pairs joined with `&`, in the order given; `true` is the key
 * alone, a list one pair per value.
 */
export function encodeArgs(args: Iterable<readonly [string, ArgValue]>): string {
  const pairs: string[] = []
  for (const [key, value] of args) {
    for (const item of Array.isArray(value) ? value : [value]) pairs.push(item === true ? escapeArg(key) : `${escapeArg(key)}=${escapeArg(item)}`)
  }
  return pairs.join('&')
}

/** Kong's set_query: each key's pairs encoded apart, then sorted, so the query no longer depends on the order of its keys. */
export function orderedQuery(args: Iterable<readonly [string, ArgValue]>): string {
  return [...args]
    .map((entry) => encodeArgs([entry]))
    .sort()
    .join('&')
}

/** ngx.escape_uri for a query component: everything but RFC 3986's unreserved characters percent-encoded. */
function escapeArg(text: string): string {
  return encodeURIComponent(text.toWellFormed()).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
}

/**
 * The query without the argument `name`, as Kong's `kong.service.request.clear_query_arg` writes
 * it (WHATWG's form encoding, then `+` as `%20`): the others in their order, decoded and encoded again.
 */
export function queryWithout(query: string, name: string): string {
  const params = new URLSearchParams(query)
  params.delete(name)
  return params.toString().replaceAll('+', '%20')
}
