// nginx's `$cookie_<name>`, which Kong reads cookies by (the jwt plugin's cookie_names, the
// balancer's hash_on_cookie).

/** The first cookie of that name (compared without case) in any Cookie line. */
export function cookie(lines: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  const wanted = name.toLowerCase()
  for (const [line, value] of lines) {
    if (line !== 'cookie') continue
    for (const pair of value.split(';')) {
      const eq = pair.indexOf('=')
      if (eq !== -1 && pair.slice(0, eq).trim().toLowerCase() === wanted) return pair.slice(eq + 1).trim()
    }
  }
  return undefined
}
