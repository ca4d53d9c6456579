// The regexes of cors' `origins`. Kong matches them with PCRE, which backtracks; here RE2JS
// matches them, in linear time, so that no Origin header can make one run away (as regex paths,
// src/router/path-regex.ts). What RE2 cannot match as PCRE would is refused at load, the
// constructs only PCRE has named.

import { RE2JS } from 're2js'

/** Kong's word for a value that is neither `*` nor a regex. */
export function notARegex(value: string): string {
  return `'${value}' is not a valid regex`
}

/** Why `source` cannot be an origin regex here, in Kong's words where Kong says the same; undefined when it can. */
export function originRegexProblem(source: string): string | undefined {
  const pcreOnly = pcreOnlySyntax(source)
  if (pcreOnly) return `'${source}' is not supported: ${pcreOnly} (origins are matched by RE2, in linear time)`
  try {
    RE2JS.compile(source)
  } catch {
    return notARegex(source)
  }
  return undefined
}

/**
 * Whether `subject` matches `source` whole. Kong anchors a regex by appending `$` and matching
 * from the start, which leaves the alternatives before the last one of `a|b` anchored at the
 * start only (`a.test|b.test` allows `a.test.evil`): here every alternative must match whole.
 */
export function compileWholeMatch(source: string): (subject: string) => boolean {
  const regex = RE2JS.compile(source)
  return (subject) => regex.testExact(subject)
}

/** PCRE syntax RE2 refuses or reads another way, by what it is. */
function pcreOnlySyntax(source: string): string | undefined {
  for (let i = 0; i < source.length; i++) {
    const char = source[i]
    const next = source[i + 1] ?? ''
    if (char === '\\') {
      if (/[1-9gk]/.test(next)) return 'backreferences'
      // PCRE's \v is any vertical space; RE2's only the vertical tab.
      if (next === 'v') return '\\v'
      if (next === 'Q') {
        const end = source.indexOf('\\E', i + 2)
        i = end === -1 ? source.length : end + 1
      } else i++
    } else if (char === '[') {
      i = classEnd(source, i)
    } else if (char === '(' && next === '?') {
      const group = source.slice(i + 2)
      if (/^(?:=|!|<=|<!)/.test(group)) return 'look-around'
      if (group.startsWith('>')) return 'atomic groups'
      if (/^(?:R|[+-]?\d|&|P>)/.test(group)) return 'recursion'
      if (group.startsWith('(')) return 'conditionals'
    } else if (next === '+' && (/[*+?]/.test(char) || (char === '}' && /\{\d+(?:,\d*)?\}$/.test(source.slice(0, i + 1))))) {
      return 'possessive quantifiers'
    }
  }
  return undefined
}

/** The index of the `]` closing the class that opens at `start` (a `]` first in it is literal), or the end. */
function classEnd(source: string, start: number): number {
  let i = start + 1
  if (source[i] === '^') i++
  if (source[i] === ']') i++
  for (; i < source.length; i++) {
    if (source[i] === '\\') i++
    else if (source.startsWith('[:', i)) {
      const end = source.indexOf(':]', i + 2)
      if (end !== -1) i = end + 1
    } else if (source[i] === ']') return i
  }
  return source.length
}
