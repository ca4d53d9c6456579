// A multipart/form-data body as Kong's request-transformer changes it, through the
// lua-multipart library (https://github.com/Kong/lua-multipart): the parts in order, each with
// its header lines and its value bytes; a part that is set gets a bare `Content-Disposition`
// header. The boundary is read as that library reads it (`;\s*boundary=(\S+)`, quotes removed);
// without one there are no parts, and a body written out gets a boundary of its own that the
// Content-Type does not name — as in Kong.

import type { Bytes } from '../../encoding/base64.ts'
import { concatBytes } from '../../encoding/bytes.ts'
import { entries, type Operations } from './entries.ts'

interface Part {
  name: string
  headers: string[]
  value: Uint8Array
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** The new body, or undefined when Kong would leave it as it is. Multipart bodies take no `append`, as in Kong. */
export function transformMultipartBody(body: Bytes | null, contentType: string, operations: Operations): Bytes | undefined {
  const boundary = boundaryOf(contentType)
  const parts = boundary === undefined || body === null ? [] : parseParts(body, boundary)
  const find = (name: string) => parts.findLastIndex((part) => part.name === name)
  const setSimple = (name: string, value: string) => {
    const part = { name, headers: [`Content-Disposition: form-data; name="${name}"`], value: encoder.encode(value) }
    const at = find(name)
    if (at === -1) parts.push(part)
    else parts[at] = part
  }
  const remove = (name: string) => {
    const at = find(name)
    if (at !== -1) parts.splice(at, 1)
  }
  const hasContent = body !== null && body.byteLength > 0
  let changed = false
  if (hasContent) {
    // Kong's order for multipart bodies: rename before remove.
    for (const { name, value } of entries(operations.rename)) {
      const at = find(name)
      if (at === -1 || name === value) continue
      setSimple(value, decoder.decode(parts[at].value))
      remove(name)
      changed = true
    }
    for (const { name } of entries(operations.remove)) {
      remove(name)
      changed = true
    }
    for (const { name, value } of entries(operations.replace)) {
      if (find(name) === -1) continue
      remove(name)
      setSimple(name, value)
      changed = true
    }
  }
  for (const { name, value } of entries(operations.add)) {
    if (find(name) !== -1) continue
    setSimple(name, value)
    changed = true
  }
  return changed ? serialize(parts, boundary ?? crypto.randomUUID().replaceAll('-', '')) : undefined
}

function boundaryOf(contentType: string): string | undefined {
  let boundary = /;\s*boundary=(\S+)/.exec(contentType)?.[1]
  if (boundary === undefined) return undefined
  if (/^".*"$|^'.*'$/.test(boundary) && boundary.length >= 2) boundary = boundary.slice(1, -1)
  return boundary === '' ? undefined : boundary
}

/** The named parts between `--boundary` lines (a part without a name is dropped, as lua-multipart drops it). */
function parseParts(body: Uint8Array, boundary: string): Part[] {
  const delimiter = encoder.encode(`--${boundary}`)
  const parts: Part[] = []
  let at = indexOf(body, delimiter, 0, true)
  while (at !== -1) {
    const start = lineEnd(body, at)
    if (start === -1) break
    const next = indexOf(body, delimiter, start, true)
    if (next === -1) break
    const part = parsePart(body.subarray(start, trimLineBreak(body, start, next)))
    if (part) parts.push(part)
    at = next
  }
  return parts
}

function parsePart(bytes: Uint8Array): Part | undefined {
  const blank = indexOf(bytes, encoder.encode('\r\n\r\n'), 0)
  const head = decoder.decode(blank === -1 ? bytes : bytes.subarray(0, blank))
  const headers = head.split(/\r?\n/).filter((line) => line !== '')
  let name: string | undefined
  for (const line of headers) {
    if (!/^content-disposition/i.test(line)) continue
    for (const param of line.split(';')) {
      const value = /^\s*name=\s*([^=]*)/i.exec(param)?.[1].trimEnd()
      // lua-multipart takes the name between the first and the last character (its quotes).
      if (value !== undefined) name = value.slice(1, -1)
    }
  }
  if (name === undefined) return undefined
  return { name, headers, value: blank === -1 ? new Uint8Array() : bytes.subarray(blank + 4) }
}

function serialize(parts: readonly Part[], boundary: string): Bytes {
  if (parts.length === 0) return new Uint8Array()
  const chunks: Uint8Array[] = []
  for (const part of parts) {
    chunks.push(encoder.encode(`--${boundary}\r\n${part.headers.map((line) => `${line}\r\n`).join('')}\r\n`), part.value, encoder.encode('\r\n'))
  }
  chunks.push(encoder.encode(`--${boundary}--\r\n`))
  return concatBytes(
    chunks,
    chunks.reduce((size, chunk) => size + chunk.byteLength, 0),
  )
}

/** Where the line at `from` ends (after its line break), or -1. */
function lineEnd(bytes: Uint8Array, from: number): number {
  const lf = bytes.indexOf(0x0a, from)
  return lf === -1 ? -1 : lf + 1
}

/** `end` less the line break before it (CRLF or LF), not before `start`. */
function trimLineBreak(bytes: Uint8Array, start: number, end: number): number {
  if (end > start && bytes[end - 1] === 0x0a) end--
  if (end > start && bytes[end - 1] === 0x0d) end--
  return end
}

/** Where `needle` is next in `haystack` (`lineStart`: only where a line starts), or -1. */
function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number, lineStart = false): number {
  const first = needle[0]
  for (let i = haystack.indexOf(first, from); i !== -1 && i + needle.length <= haystack.length; i = haystack.indexOf(first, i + 1)) {
    if (lineStart && i > 0 && haystack[i - 1] !== 0x0a) continue
    let j = 1
    while (j < needle.length && haystack[i + j] === needle[j]) j++
    if (j === needle.length) return i
  }
  return -1
}
