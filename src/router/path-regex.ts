// Kong 3's regex paths (`~` first): Kong writes `^` before the expression as it is, with
// `(?<` turned into `(?P<` (`path_val_transform` in
// https://github.com/Kong/kong/blob/master/kong/router/transform.lua), and its router searches
// the normalised path for it. So `~/a|/b` anchors only its first alternative: `/x/b` matches,
// and the match `/b` is what `strip_path` removes from the start of the path. Rust `regex`
// syntax on RE2JS (rust-regex.ts): linear time, whatever the path.

import { compileRustRegex, requiredLiterals } from './rust-regex.ts'

export interface PathRegex {
  /** The first match in `path`: the text matched and the named captures; undefined when none. */
  match(path: string): { matched: string; captures: Record<string, string> } | undefined
  /** A literal every matching path starts with ('' when none is known): the router's index key. */
  startsWith: string
  /**
   * Segments every matching path holds whole (between two slashes, or a slash and its end),
   * `/` first and lower-cased for a `(?i)` regex: the router's other index key.
   */
  segments: string[]
}

export function compilePathRegex(path: string): { regex?: PathRegex; error?: string } {
  const source = path.slice(1)
  // Checked as written, so that problems quote the path as the file has it.
  const checked = compileRustRegex(source)
  if (!checked.regex) return { error: checked.error }
  const kongSource = source.replaceAll('?<', '?P<')
  const { regex: searched, error } = compileRustRegex(`^${kongSource}`)
  if (!searched) return { error }
  const names = Object.keys(searched.namedGroups())
  // The literal every match of the expression starts with (`/api/v1/` of `/api/v1/(?<id>\d+)`),
  // as RE2 computes it; at the start of the path unless an alternative escapes the `^`.
  const prefix: string = (kongSource === source ? checked.regex : compileRustRegex(kongSource).regex)?.re2().prefix ?? ''
  const literals = requiredLiterals(kongSource)
  const anchored = literals !== 'alternation'
  const caseless = typeof literals === 'object' && literals.caseless
  // Caseless, a letter also matches its other cases (and K, s the Kelvin sign and the long s):
  // the literals as foldCase gives them, ASCII only.
  const runs = (typeof literals === 'object' ? literals.runs : [])
    .filter(({ text }) => !(caseless && /[^\0-\x7f]/.test(text)))
    .map(({ text, atEnd }) => ({ text: caseless ? text.toLowerCase() : text, atEnd }))
  return {
    regex: {
      startsWith: anchored ? prefix : '',
      segments: runs.flatMap(({ text, atEnd }) => {
        // Whole: between two slashes, or a slash and the end.
        const pieces = text.split('/').slice(1)
        return (atEnd ? pieces : pieces.slice(0, -1)).filter((piece) => piece !== '').map((piece) => (caseless ? `/${piece}` : piece))
      }),
      match(path) {
        // Cheapest first: the literal prefix and the literals any match holds, then RE2's DFA
        // (test); only a match pays for the submatch bounds.
        if (prefix !== '' && !(anchored ? path.startsWith(prefix) : path.includes(prefix))) return undefined
        if (runs.length > 0) {
          const folded = caseless ? foldCase(path) : path
          if (!runs.every(({ text }) => folded.includes(text))) return undefined
        }
        if (!searched.test(path)) return undefined
        const matcher = searched.matcher(path)
        if (!matcher.find()) return undefined
        const captures = names.flatMap((name) => {
          const value = matcher.group(name)
          return value === null ? [] : [[name, value] as const]
        })
        return { matched: matcher.group() ?? '', captures: Object.fromEntries(captures) }
      },
    },
  }
}

/** A path as a `(?i)` regex's literals are compared with it. */
export function foldCase(text: string): string {
  return text.toLowerCase().replaceAll('\u017f', 's')
}
