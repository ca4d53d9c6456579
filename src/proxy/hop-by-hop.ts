// Hop-by-hop headers (RFC 9110 §7.6.1): a proxy never forwards them. nginx's proxy module drops
// these on the way up (Kong's handler.lua also drops what the client's Connection names, and
// `Proxy`, `Proxy-Connection`), and its upstream module on the way down.

import { isFieldName } from '../http/field-syntax.ts'
import { headerLines, keepLines } from '../http/header-lines.ts'

type Lines = ReadonlyArray<readonly [string, string]>

/** Never forwarded, in either direction (the framing headers are the transport's to write). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy', 'proxy-connection'])

/** The names a message's Connection header lists (lower case); none (most requests): undefined. */
function connectionNamed(lines: Lines): Set<string> | undefined {
  let named: Set<string> | undefined
  for (const [name, value] of lines) {
    if (name !== 'connection') continue
    for (const token of value.split(',')) {
      const trimmed = token.trim().toLowerCase()
      if (trimmed === '') continue
      named ??= new Set()
      named.add(trimmed)
    }
  }
  return named
}

/** Whether a line of `lines` (names in lower case) is end to end: no hop-by-hop header, none the Connection header names, none of `also`. */
function endToEnd(lines: Lines, also: ReadonlySet<string>): (name: string) => boolean {
  const named = connectionNamed(lines)
  return (name) => !HOP_BY_HOP.has(name) && !named?.has(name) && !also.has(name)
}

/** `lines` (names in lower case) without hop-by-hop headers, those the Connection header names, and `also`. */
export function endToEndLines(lines: Lines, also: ReadonlySet<string>): Array<readonly [string, string]> {
  const kept = endToEnd(lines, also)
  return lines.filter(([name]) => kept(name))
}

/** Deletes from `headers` the hop-by-hop headers, those its Connection header names, and `also`. */
export function deleteHopByHop(headers: Headers, also: ReadonlySet<string>): void {
  // Lines kept as they came (Node's answers): filtered in one pass.
  const lines = headerLines(headers)
  if (lines && keepLines(headers, endToEnd(lines, also))) return
  const doomed = new Set<string>()
  for (const token of headers.get('connection')?.split(',') ?? []) {
    const name = token.trim()
    // A token that is no header name names nothing Headers could hold.
    if (isFieldName(name)) doomed.add(name)
  }
  // One pass over the names present, rather than a delete for every name that might be.
  for (const [name] of headers) if (HOP_BY_HOP.has(name) || also.has(name)) doomed.add(name)
  for (const name of doomed) headers.delete(name)
}
