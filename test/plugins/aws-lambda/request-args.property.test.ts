// Properties of the query, form and multipart parsers (src/plugins/aws-lambda/request-args.ts) over
// generated input: what an encoder writes parses back to the same keys and values, and no
// input at all — malformed escapes, arbitrary bytes under any content type — makes them throw.

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseArgs, parseQueryPairs } from '../../../src/http/url-args.ts'
import { parseBodyArgs } from '../../../src/plugins/aws-lambda/request-args.ts'
import { expectedArgs } from '../../support/kong-args.ts'

const RUNS = { numRuns: 200 }
/** Any text of whole code points (encodeURIComponent refuses lone surrogates, as would any client). */
const text = (minLength = 0) => fc.string({ unit: 'binary', minLength, maxLength: 12 })
const pairs = fc.array(fc.tuple(text(1), text()), { maxLength: 8 })
/** Query-ish text heavy in the characters the parser treats specially. */
const queryish = fc.string({ unit: fc.constantFrom('%', '&', '=', '+', 'a', '0', 'f', 'F', 'é', '%C3', '%A9', '%zz', '%E0%A4'), maxLength: 30 })

describe('query strings', () => {
  it('percent-encoded pairs parse back to themselves', () => {
    fc.assert(
      fc.property(pairs, (entries) => {
        const query = entries.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&')
        expect(parseArgs(query)).toEqual(expectedArgs(entries))
      }),
      RUNS,
    )
  })

  it('URLSearchParams encoding (spaces as +) parses back too', () => {
    fc.assert(
      fc.property(pairs, (entries) => {
        expect(parseArgs(new URLSearchParams(entries).toString())).toEqual(expectedArgs(entries))
      }),
      RUNS,
    )
  })

  it('never throws; text without escapes or + comes back as it was split', () => {
    fc.assert(
      fc.property(fc.oneof(queryish, fc.string({ unit: 'binary' })), (query) => {
        const parsed = parseQueryPairs(query)
        for (const [key] of parsed) expect(key).not.toBe('')
        if (!/[%+]/.test(query)) {
          const raw = query.split('&').filter((pair) => pair !== '' && !pair.startsWith('='))
          expect(parsed).toEqual(raw.map((pair) => (pair.includes('=') ? [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] : [pair, true])))
        }
      }),
      RUNS,
    )
  })

  it('a malformed escape stays as written, the valid escapes around it are decoded', () => {
    fc.assert(
      fc.property(text(), text(), (before, after) => {
        const [[, value]] = parseQueryPairs(`k=${encodeURIComponent(before)}%zz${encodeURIComponent(after)}`)
        expect(value).toBe(`${before}%zz${after}`)
      }),
      RUNS,
    )
  })
})

describe('bodies', () => {
  const TYPES = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'multipart/form-data', 'text/plain', null]

  it('arbitrary bytes under any content type: an answer, never an exception', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TYPES), fc.uint8Array({ maxLength: 300 }), async (type, bytes) => {
        const parsed = await parseBodyArgs(type, new Uint8Array(bytes), false)
        expect(['parsed', 'invalid', 'unsupported-type']).toContain(parsed.kind)
      }),
      RUNS,
    )
  })

  it('a form body parses like its query string', async () => {
    await fc.assert(
      fc.asyncProperty(pairs, async (entries) => {
        const body = new TextEncoder().encode(new URLSearchParams(entries).toString())
        expect(await parseBodyArgs('application/x-www-form-urlencoded; charset=utf-8', body, false)).toEqual({ kind: 'parsed', args: expectedArgs(entries) })
      }),
      RUNS,
    )
  })

  it('a JSON object or array body parses to itself; any other JSON value is invalid', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const parsed = await parseBodyArgs('application/json', new TextEncoder().encode(JSON.stringify(value)), false)
        if (typeof value === 'object' && value !== null) expect(parsed).toEqual({ kind: 'parsed', args: JSON.parse(JSON.stringify(value)) })
        else expect(parsed).toEqual({ kind: 'invalid' })
      }),
      RUNS,
    )
  })

  it('multipart fields written by FormData parse back to their names and values', async () => {
    // The encoding is lossy for these, by its standard: line breaks in values become CRLF, and
    // CR, LF and " in names are percent-escaped (never unescaped when parsing).
    const field = fc.tuple(
      text(1).filter((name) => !/[\r\n"]/.test(name)),
      text().filter((value) => !/[\r\n]/.test(value)),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(field, { maxLength: 6 }), async (entries) => {
        const form = new FormData()
        for (const [name, value] of entries) form.append(name, value)
        const encoded = new Response(form)
        const body = new Uint8Array(await encoded.arrayBuffer())
        expect(await parseBodyArgs(encoded.headers.get('content-type'), body, false)).toEqual({ kind: 'parsed', args: expectedArgs(entries) })
      }),
      { numRuns: 100 },
    )
  })

  it('a body too large to parse is never parsed, whatever its type', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TYPES.slice(0, 3)), fc.uint8Array({ maxLength: 50 }), async (type, bytes) => {
        expect(await parseBodyArgs(type, new Uint8Array(bytes), true)).toEqual({ kind: 'invalid' })
      }),
      RUNS,
    )
  })
})
