// The path a matched request goes on with, as Kong 3 computes it (`get_upstream_uri_v0` and
// `sanitize_uri_postfix` in https://github.com/Kong/kong/blob/master/kong/router/utils.lua):
// the service's path joined with what follows the stripped prefix (`strip_path`), or with the
// whole path, as URL segments. traditional_compatible always joins this way (`path_handling`
// v0); `v1` is accepted but not applied, as in Kong 3.

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
