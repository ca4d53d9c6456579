// The path a matched request goes on with, as Kong 3 computes it (`get_upstream_uri_v0` and
// `sanitize_uri_postfix` in https://github.com/Kong/kong/blob/master/kong/router/utils.lua):
// the service's path joined with what follows the stripped prefix (`strip_path`), or with the
// whole path, as URL segments. traditional_compatible always joins this way (`path_handling`
// v0); `v1` is accepted but not applied, as in Kong 3. The path is kept decoded as the router
// normalised it (events carry it so); it is escaped again only where it is sent.

/**
 * `requestPath`: the normalised path; `prefix`: what `strip_path` removes (the matched prefix,
 * or what a regex matched), undefined to keep the whole path; `base`: the service's path.
 */
export function upstreamPath(requestPath: string, prefix: string | undefined, base = '/'): string {
  if (prefix === undefined) {
    if (base.endsWith('/')) return base + requestPath.slice(1)
    return requestPath === '/' ? base : base + requestPath
  }
  const rest = sanitizePostfix(requestPath.slice(prefix.length))
  if (base.endsWith('/')) {
    if (rest === '') return base === '/' || requestPath.endsWith('/') ? base : base.slice(0, -1)
    return rest.startsWith('/') ? base.slice(0, -1) + rest : base + rest
  }
  if (rest === '') return requestPath.length > 1 && requestPath.endsWith('/') ? `${base}/` : base
  return rest.startsWith('/') ? base + rest : `${base}/${rest}`
}

/** What is left after the prefix, without a leading `.`, `..`, `./` or `../`. */
function sanitizePostfix(rest: string): string {
  if (rest === '.' || rest === '..') return ''
  if (rest.startsWith('./')) return rest.slice(2)
  if (rest.startsWith('../')) return rest.slice(3)
  return rest
}

/**
 * Characters an upstream path may carry as they are: RFC 3986's reserved and unreserved ones,
 * and `%` (triplets the router kept encoded, such as `%2F`, stay as they are).
 */
const UNSAFE = /[^!#$&'()*+,/:;=?@[\]A-Za-z0-9\-_.~%]/gu

/**
 * The path as an upstream request line carries it (Kong's `escape` in
 * https://github.com/Kong/kong/blob/master/kong/tools/uri.lua): every other character
 * percent-encoded as UTF-8, so that a decoded space, `\` or non-ASCII character is sent encoded,
 * never as a raw byte that a server may refuse or read as a separator.
 */
export function escapeUpstreamPath(path: string): string {
  // A lone surrogate (a configured path can hold one) is sent as U+FFFD, as UTF-8 encoders do.
  return path.replace(UNSAFE, (char) => encodeURIComponent(char.isWellFormed() ? char : '\uFFFD'))
}
