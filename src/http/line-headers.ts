// fetch Headers kept as the header lines an answer came with, in their order. A server that
// writes answers itself (the Node entry) sends the lines as they are: no sorted, joined copy to
// build and read back on every proxied answer, and repeated lines (two WWW-Authenticate) stay
// apart as nginx keeps them. Every Headers method behaves as fetch's (names and values checked
// and normalised alike, iteration sorted and joined), so plugins cannot tell the difference.

import { EMPTY_OF_KIND, type HeaderLines, KEEP_LINES, LINES, lowerCaseLines } from './header-lines.ts'

/** RFC 9110's token, fetch's header name. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** fetch's header value normalisation: leading and trailing HTTP whitespace removed. */
const EDGE_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g
/** What fetch refuses in a value, after the ByteString conversion (a char above U+00FF). */
const FORBIDDEN_IN_VALUE = /[\0\r\n]/
const BEYOND_BYTE = /[^\0-\xff]/

type Line = [name: string, value: string]

/** Names already checked, lower-cased: the gateway sets the same few on every answer. */
const checkedNames = new Map<string, string>()
const CHECKED_NAMES_KEPT = 256

function checkedName(name: string, method: string): string {
  const known = checkedNames.get(name)
  if (known !== undefined) return known
  const text = String(name)
  if (BEYOND_BYTE.test(text) || !TOKEN.test(text)) throw new TypeError(`Headers.${method}: "${text}" is an invalid header name.`)
  const lower = text.toLowerCase()
  if (typeof name === 'string' && checkedNames.size < CHECKED_NAMES_KEPT) checkedNames.set(name, lower)
  return lower
}

/** A value fetch keeps as it is: visible ASCII, inner spaces, nothing to trim. */
const PLAIN_VALUE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/

function checkedValue(value: string, method: string): string {
  if (typeof value === 'string' && PLAIN_VALUE.test(value)) return value
  const text = String(value)
  if (BEYOND_BYTE.test(text)) throw new TypeError('Cannot convert argument to a ByteString: a character is greater than 255.')
  const normalized = text.replace(EDGE_WHITESPACE, '')
  if (FORBIDDEN_IN_VALUE.test(normalized)) throw new TypeError(`Headers.${method}: "${normalized}" is an invalid header value.`)
  return normalized
}

export class LineHeaders {
  readonly #lines: Line[]

  /** `raw` as Node's rawHeaders has them, name and value in turn, as received (a parser already checked them). */
  constructor(raw: readonly string[]) {
    this.#lines = lowerCaseLines(raw)
  }

  /** The lines in order, names in lower case (header-lines.ts reads them). */
  [LINES](): HeaderLines {
    return this.#lines
  }

  [EMPTY_OF_KIND](): Headers {
    return new LineHeaders([]) as unknown as Headers
  }

  [KEEP_LINES](keep: (name: string) => boolean): void {
    const lines = this.#lines
    let kept = 0
    for (const line of lines) if (keep(line[0])) lines[kept++] = line
    lines.length = kept
  }

  append(name: string, value: string): void {
    this.#lines.push([checkedName(name, 'append'), checkedValue(value, 'append')])
  }

  /** The first line of the name takes the value, where it was; the others go. */
  set(name: string, value: string): void {
    const key = checkedName(name, 'set')
    const text = checkedValue(value, 'set')
    const lines = this.#lines
    const at = lines.findIndex(([n]) => n === key)
    if (at === -1) {
      lines.push([key, text])
      return
    }
    lines[at] = [key, text]
    this.#remove(key, at + 1)
  }

  get(name: string): string | null {
    const key = checkedName(name, 'get')
    let joined: string | null = null
    for (const [n, value] of this.#lines) if (n === key) joined = joined === null ? value : `${joined}, ${value}`
    return joined
  }

  getSetCookie(): string[] {
    return this.#lines.filter(([n]) => n === 'set-cookie').map(([, value]) => value)
  }

  has(name: string): boolean {
    const key = checkedName(name, 'has')
    return this.#lines.some(([n]) => n === key)
  }

  delete(name: string): void {
    this.#remove(checkedName(name, 'delete'), 0)
  }

  #remove(key: string, from: number): void {
    const lines = this.#lines
    let kept = from
    for (let i = from; i < lines.length; i++) if (lines[i][0] !== key) lines[kept++] = lines[i]
    lines.length = kept
  }

  /** fetch's order: names sorted, a name's values joined with `, `, each Set-Cookie apart. */
  *entries(): IterableIterator<[string, string]> {
    const names = [...new Set(this.#lines.map(([n]) => n))].sort()
    for (const name of names) {
      if (name === 'set-cookie') for (const cookie of this.getSetCookie()) yield [name, cookie]
      else yield [name, this.get(name) as string]
    }
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [name, value] of this.entries()) callback.call(thisArg, value, name, this as unknown as Headers)
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries()
  }
}

// A Headers to whoever asks (`instanceof`, @hono/node-server's Response, which keeps a Headers
// it is given as its own); every method fetch's Headers has is this class's own.
Object.setPrototypeOf(LineHeaders.prototype, Headers.prototype)
Object.defineProperty(LineHeaders.prototype, Symbol.for('nodejs.util.inspect.custom'), {
  value(this: LineHeaders) {
    return `Headers ${JSON.stringify(Object.fromEntries(this.entries()))}`
  },
})

/** Header lines, as an answer's, typed as the Headers they behave as. */
export function lineHeaders(raw: readonly string[]): Headers {
  return new LineHeaders(raw) as unknown as Headers
}
