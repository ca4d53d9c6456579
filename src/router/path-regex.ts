// Kong 3 regex paths: `~` marks a regular expression, matched from the start of the normalised
// path. Kong's router matches them with Rust's `regex` crate, which runs in linear time and has
// no backreferences or look-around; here RE2JS (a JavaScript port of RE2, the design Rust's
// crate follows) matches them, also in linear time, so that no path can make a route's regex
// backtrack (`(a+)+$` against `aaaa…b` costs what its length costs, not 2^length).
// Syntax RE2 lacks is refused in Rust's words; syntax Rust reads differently from RE2 is refused
// rather than silently matched another way.

import { RE2JS } from 're2js'

export interface PathRegex {
  /** The match at the start of `path`: its length (UTF-16 units) and named captures; undefined when none. */
  match(path: string): { length: number; captures: Record<string, string> } | undefined
}

const BACKREFERENCE = 'backreferences are not supported'
const LOOK_AROUND = 'look-around, including look-ahead and look-behind, is not supported'

export function compilePathRegex(path: string): { regex?: PathRegex; error?: string } {
  const source = path.slice(1)
  const problem = rustSyntaxProblem(source)
  if (problem) return { error: `invalid regex: '${source}' (${problem})` }
  let alone: RE2JS
  let anchored: RE2JS
  try {
    // Alone first: wrapped, `a)|(b` would pass as `^(?:a)|(b)`.
    alone = RE2JS.compile(source)
    anchored = RE2JS.compile(`^(?:${source})`)
  } catch (error) {
    return { error: `invalid regex: '${source}' (${(error as Error).message.replace(/^error parsing regexp: /, '')})` }
  }
  const names = Object.keys(anchored.namedGroups())
  // The literal every match starts with (`/api/v1/` of `/api/v1/(?<id>\d+)`), as RE2 computes it.
  const prefix: string = alone.re2().prefix ?? ''
  return {
    regex: {
      match(path) {
        // Cheapest first: the literal prefix, then RE2's DFA (test); only a match pays for the
        // submatch bounds.
        if (!path.startsWith(prefix) || !anchored.test(path)) return undefined
        const matcher = anchored.matcher(path)
        if (!matcher.lookingAt()) return undefined
        const captures = names.flatMap((name) => {
          const value = matcher.group(name)
          return value === null ? [] : [[name, value] as const]
        })
        return { length: matcher.end(), captures: Object.fromEntries(captures) }
      },
    },
  }
}

/** Syntax of JavaScript or PCRE that Rust's `regex` refuses, and Rust syntax that RE2 would read another way. */
function rustSyntaxProblem(source: string): string | undefined {
  for (let i = 0; i < source.length; i++) {
    const char = source[i]
    if (char === '\\') {
      const next = source[i + 1] ?? ''
      if (/[1-9k]/.test(next)) return BACKREFERENCE
      if (next === 'Q') return 'unrecognized escape sequence'
      if (next === '<' || next === '>' || (next === 'b' && source[i + 2] === '{')) return 'the word boundaries \\<, \\> and \\b{…} are not supported'
      i++
    } else if (char === '[') {
      const end = classEnd(source, i)
      if (typeof end === 'string') return end
      i = end
    } else if (source.startsWith('(?', i)) {
      const group = source.slice(i + 2, i + 4)
      if (/^(?:=|!|<=|<!)/.test(group)) return LOOK_AROUND
      if (group === 'P=') return BACKREFERENCE
      if (/^P?<\d/.test(source.slice(i + 2, i + 5))) return 'invalid capture group character'
    }
  }
  return undefined
}

/**
 * The index of the `]` closing the class that opens at `start`, or why it cannot be used: Rust
 * reads `[` inside a class as a nested class and `&&`, `--`, `~~` as set operations, where RE2
 * reads them as literal characters.
 */
function classEnd(source: string, start: number): number | string {
  let i = start + 1
  if (source[i] === '^') i++
  if (source[i] === ']') i++ // a literal `]` first
  for (; i < source.length; i++) {
    const char = source[i]
    if (char === '\\') i++
    else if (char === ']') return i
    else if (char === '[') {
      const posix = /^\[:\^?[a-z]+:\]/.exec(source.slice(i))
      if (!posix) return 'nested character classes are not supported'
      i += posix[0].length - 1
    } else if ((char === '&' || char === '-' || char === '~') && source[i + 1] === char) {
      return 'character class set operations (&&, --, ~~) are not supported'
    }
  }
  return source.length
}
