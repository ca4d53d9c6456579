// Reading a Headers as the lines it was made of, where it keeps them (a Node answer's
// LineHeaders, src/http/line-headers.ts), without this module knowing that class: portable code
// (the proxy, the header checks) asks here, so the Worker's bundle carries none of it.

export type HeaderLines = ReadonlyArray<readonly [string, string]>

/** The method a Headers that keeps its lines has under this key. */
export const LINES = Symbol('header lines')

/** The method a Headers that keeps its lines has under this key: keeps only the lines whose name passes, in place. */
export const KEEP_LINES = Symbol('keep header lines')

type KeepLines = (keep: (name: string) => boolean) => void

/** The method a Headers that keeps its lines has under this key: new, empty headers of its kind. */
export const EMPTY_OF_KIND = Symbol('empty headers of this kind')

/** New, empty headers of the kind of `like`: keeping lines where `like` does (an answer built from another's), else fetch Headers. */
export function headersLike(like: Headers): Headers {
  return (like as Headers & { [EMPTY_OF_KIND]?: () => Headers })[EMPTY_OF_KIND]?.() ?? new Headers()
}

/** Removes the lines of `headers` whose name `keep` refuses, in one pass, where it keeps lines; false where it does not. */
export function keepLines(headers: Headers, keep: (name: string) => boolean): boolean {
  const method = (headers as Headers & { [KEEP_LINES]?: KeepLines })[KEEP_LINES]
  method?.call(headers, keep)
  return method !== undefined
}

/** Node's raw header list (names and values in turn) as lines, names in lower case. */
export function lowerCaseLines(raw: readonly string[]): Array<[string, string]> {
  const lines: Array<[string, string]> = []
  for (let i = 0; i + 1 < raw.length; i += 2) lines.push([raw[i].toLowerCase(), raw[i + 1]])
  return lines
}

/** The lines of `headers` in order, names in lower case, when it keeps them, else undefined. */
export function headerLines(headers: Headers): HeaderLines | undefined {
  return (headers as Headers & { [LINES]?: () => HeaderLines })[LINES]?.()
}
