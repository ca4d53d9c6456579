// Kong 3's regexes (regex paths, `~*` header values) are Rust `regex` expressions: linear-time,
// without backreferences or look-around. RE2JS (a JavaScript port of RE2, the design Rust's
// crate follows) matches them here, also in linear time, so that no request can make a route's
// regex backtrack. Syntax RE2 lacks is refused in Rust's words; syntax Rust reads differently
// from RE2 is refused rather than silently matched another way.

import { RE2JS } from 're2js'

const BACKREFERENCE = 'backreferences are not supported'
const LOOK_AROUND = 'look-around, including look-ahead and look-behind, is not supported'

/** `source` compiled, or why not: `invalid regex: '<source>' (<reason>)`. */
export function compileRustRegex(source: string): { regex?: RE2JS; error?: string } {
  const problem = rustSyntaxProblem(source)
  if (problem) return { error: invalidRegex(source, problem) }
  try {
    return { regex: RE2JS.compile(source) }
  } catch (error) {
    return { error: invalidRegex(source, (error as Error).message.replace(/^error parsing regexp: /, '')) }
  }
}

function invalidRegex(source: string, reason: string): string {
  return `invalid regex: '${source}' (${reason})`
}

/** Whether `source` has a `|` outside any group or class: an alternative of the whole expression. */
export function hasTopLevelAlternation(source: string): boolean {
  return requiredLiterals(source) === 'alternation'
}

type Literal = { text: string; atEnd: boolean }

/**
 * Literal texts every match of `source` holds, each with whether it must end the text (`$`
 * after it); undefined when that is not known (flags other than a leading `(?i)`: `caseless`,
 * escapes with an argument), 'alternation' for an alternative of the whole. What groups,
 * classes and repeated characters hold is left out: the texts are fewer than the truth, never more.
 */
export function requiredLiterals(source: string): { runs: Literal[]; caseless: boolean } | 'alternation' | undefined {
  const caseless = source.startsWith('(?i)')
  const runs: Literal[] = []
  let run = ''
  let known = true
  let depth = 0
  const flush = (atEnd = false) => {
    if (run !== '') runs.push({ text: run, atEnd })
    run = ''
  }
  for (let i = caseless ? 4 : 0; i < source.length; i++) {
    const char = source[i]
    const repetition = char === '{' ? /^\{\d+(,\d*)?\}/.exec(source.slice(i))?.[0] : undefined
    if (char === '\\') {
      const next = source[++i] ?? ''
      if (depth > 0) continue
      if (!/[0-9A-Za-z]/.test(next)) {
        run += next
        continue
      }
      // Escapes with an argument (\p{…}, \x2F) are not worth reading.
      known &&= 'dDwWsSbBAzfnrtv'.includes(next)
    } else if (char === '[') {
      const end = classEnd(source, i)
      if (typeof end === 'string') return undefined
      i = end
    } else if (char === '(') {
      known &&= depth++ > 0 || !/^\(\?[a-zA-Z-]+\)/.test(source.slice(i))
    } else if (char === ')') depth--
    else if (depth > 0) continue
    else if (char === '|') return 'alternation'
    else if (char === '*' || char === '?' || repetition) {
      // The character before may be absent or repeated: it ends the literal before it.
      run = run.replace(/.$/su, '')
      i += (repetition?.length ?? 1) - 1
    } else if (!'+^$.{}]'.includes(char)) {
      run += char
      continue
    }
    // `+` keeps the character before, once; the rest match no literal.
    flush(char === '$')
  }
  flush()
  return known ? { runs, caseless } : undefined
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
