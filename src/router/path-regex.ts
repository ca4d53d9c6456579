// Kong 3 regex paths: `~` marks a regular expression, matched from the start of the path.
// PCRE's `(?P<name>…)` is accepted as the JavaScript `(?<name>…)`.

export function compilePathRegex(path: string): { regex?: RegExp; error?: string } {
  const source = path.slice(1).replaceAll('(?P<', '(?<')
  try {
    return { regex: new RegExp(`^(?:${source})`) }
  } catch (error) {
    return { error: `invalid regex: '${path.slice(1)}' (${(error as Error).message})` }
  }
}
