// Reading a Headers as the lines it was made of, where it keeps them (a Node answer's
// LineHeaders, src/http/line-headers.ts), without this module knowing that class: portable code
// (the proxy, the header checks) asks here, so the Worker's bundle carries none of it.

export type HeaderLines = ReadonlyArray<readonly [string, string]>

/** The method a Headers that keeps its lines has under this key. */
export const LINES = Symbol('header lines')

/** The lines of `headers` in order, names in lower case, when it keeps them, else undefined. */
export function headerLines(headers: Headers): HeaderLines | undefined {
  return (headers as Headers & { [LINES]?: () => HeaderLines })[LINES]?.()
}
