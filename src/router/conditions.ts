// A route's conditions besides its paths, compiled once, as Kong 3's traditional_compatible
// router states them (`get_expression` in
// https://github.com/Kong/kong/blob/master/kong/router/transform.lua):
// - hosts: `*.example.com` is a suffix (`.example.com`, any number of labels before it),
//   `example.*` a prefix (`example.`); a host with a port also needs that port;
// - headers: every header name must have one value equal to one of the route's values, both
//   lower-cased, or matching a `~*` regex (searched, not anchored; Kong lower-cases the regex
//   too, so `~*\D` is `\d`); names are case-insensitive, `_` and `-` alike;
// - snis: checked on https requests only, against the TLS server name.

import { compileRustRegex } from './rust-regex.ts'

/** What the conditions read of a request. */
export interface RequestFacts {
  method: string
  /** Lower case, without the port; '' when the request has no host. */
  hostname: string
  port: number | undefined
  /** `http` or `https`: the scheme of the connection. */
  scheme: string
  /** The TLS server name the client asked for, where the runtime tells it. */
  sni?: string
  /** A header's values, one per line where the runtime keeps them apart. */
  header(name: string): readonly string[]
}

export interface HostPattern {
  kind: 'exact' | 'suffix' | 'prefix'
  /** Lower case: `api.example.com`, `.example.com` (suffix) or `example.` (prefix). */
  value: string
  port?: number
}

/** Kong's reading of a `hosts` entry: its port after the first `:`, a wildcard at either end. */
export function hostPattern(host: string): HostPattern {
  const colon = host.indexOf(':')
  const portText = colon === -1 ? '' : host.slice(colon + 1)
  const withPort = /^\d+$/.test(portText)
  const name = (withPort ? host.slice(0, colon) : host).toLowerCase()
  const port = withPort ? { port: Number(portText) } : {}
  if (name.startsWith('*')) return { kind: 'suffix', value: name.slice(1), ...port }
  if (name.endsWith('*')) return { kind: 'prefix', value: name.slice(0, -1), ...port }
  return { kind: 'exact', value: name, ...port }
}

export function hostMatches(pattern: HostPattern, request: RequestFacts): boolean {
  if (pattern.port !== undefined && pattern.port !== request.port) return false
  const { hostname } = request
  return pattern.kind === 'exact'
    ? hostname === pattern.value
    : pattern.kind === 'suffix'
      ? hostname.endsWith(pattern.value)
      : hostname.startsWith(pattern.value)
}

type Test = (request: RequestFacts) => boolean

/** The route's `headers`, or undefined when it has none. A `~*` value that does not compile throws: values are checked at load. */
export function headersTest(headers: Readonly<Record<string, readonly string[]>>): Test | undefined {
  const tests = Object.entries(headers).map(([name, values]) => {
    const header = headerName(name)
    const accepts = values.map(headerValueTest)
    return (request: RequestFacts) => request.header(header).some((value) => accepts.some((accept) => accept(value.toLowerCase())))
  })
  if (tests.length === 0) return undefined
  return (request) => tests.every((test) => test(request))
}

const headerName = (name: string) => name.toLowerCase().replaceAll('_', '-')

/**
 * For each header name whose values are all plain (no `~*`), `name:value` as the test above
 * compares them: one of a list must be `name:` and a request's value lower-cased.
 */
export function headerKeys(headers: Readonly<Record<string, readonly string[]>>): string[][] {
  return Object.entries(headers).flatMap(([name, values]) =>
    values.some((value) => value.startsWith('~*')) ? [] : [values.map((value) => `${headerName(name)}:${lowerAscii(value)}`)],
  )
}

/** Why a `headers` value cannot be used, or undefined. */
export function checkHeaderValue(value: string): string | undefined {
  return value.startsWith('~*') ? compileRustRegex(lowerAscii(value.slice(2))).error : undefined
}

/** A value as Kong compares it: lower-cased by Lua, which knows ASCII letters only. */
function headerValueTest(value: string): (lowered: string) => boolean {
  if (!value.startsWith('~*')) {
    const expected = lowerAscii(value)
    return (lowered) => lowered === expected
  }
  const { regex, error } = compileRustRegex(lowerAscii(value.slice(2)))
  if (!regex) throw new Error(`unvalidated header regex: ${error}`)
  return (lowered) => regex.test(lowered)
}

function lowerAscii(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase())
}

/** The route's `snis`, or undefined when it has none: an http request passes, an https one needs its server name to match. */
export function snisTest(snis: readonly string[]): Test | undefined {
  if (snis.length === 0) return undefined
  const names = snis.map((sni) => {
    if (sni.endsWith('*')) return (name: string) => name.startsWith(sni.slice(0, -1))
    // The last dot of a fully qualified name is not used for routing.
    const plain = sni.length > 1 && sni.endsWith('.') ? sni.slice(0, -1) : sni
    if (plain.startsWith('*')) return (name: string) => name.endsWith(plain.slice(1))
    return (name: string) => name === plain
  })
  return (request) => request.scheme !== 'https' || (request.sni !== undefined && names.some((matches) => matches(request.sni!)))
}
