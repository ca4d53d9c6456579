// Kong's argument parsing (docs/aws-lambda-plugin.md#argument-parsing) for query strings and request
// bodies.

import { describe, expect, it } from 'vitest'
import { parseArgs } from '../../../src/http/url-args.ts'
import { parseBodyArgs } from '../../../src/plugins/aws-lambda/request-args.ts'

const encoder = new TextEncoder()
const bytes = (text: string) => encoder.encode(text)

async function multipart(form: FormData): Promise<{ contentType: string; body: Uint8Array<ArrayBuffer> }> {
  const request = new Request('http://localhost/upload', { method: 'POST', body: form })
  return {
    contentType: request.headers.get('content-type')!,
    body: new Uint8Array(await request.arrayBuffer()),
  }
}

describe('parseArgs', () => {
  it('decodes + as a space and percent-escapes', () => {
    expect(parseArgs('a=hello+world&b=%C3%A9t%C3%A9&c=1%2B1%3D2&d%20e=f')).toEqual({
      a: 'hello world',
      b: 'été',
      c: '1+1=2',
      'd e': 'f',
    })
  })

  it('keeps malformed escapes as they are', () => {
    expect(parseArgs('a=%zz&b=100%&c=%4')).toEqual({ a: '%zz', b: '100%', c: '%4' })
    expect(parseArgs('a=%zz%41+b')).toEqual({ a: '%zzA b' })
  })

  it('decodes valid multi-byte escapes next to a malformed one', () => {
    // Kong decodes byte by byte: only the malformed escape stays.
    expect(parseArgs('a=%zz%C3%A9')).toEqual({ a: '%zzé' })
  })

  it('turns a repeated key into an array in order', () => {
    expect(parseArgs('a=1&b=x&a=2&a=3')).toEqual({ a: ['1', '2', '3'], b: 'x' })
    expect(parseArgs('a&a=1')).toEqual({ a: [true, '1'] })
  })

  it('maps k to true and k= to the empty string', () => {
    const args = parseArgs('flag&empty=&v=1')
    expect(args.flag).toBe(true)
    expect(args.empty).toBe('')
    expect(args.v).toBe('1')
  })

  it('skips empty keys and empty pairs', () => {
    expect(parseArgs('=1&&a=2&=&')).toEqual({ a: '2' })
    expect(parseArgs('')).toEqual({})
  })

  it('keeps the first = as the separator', () => {
    expect(parseArgs('a=b=c')).toEqual({ a: 'b=c' })
  })

  it('keeps __proto__ an ordinary own key without polluting prototypes', () => {
    const args = parseArgs('__proto__=x&constructor=y&__proto__[polluted]=1')
    expect(Object.hasOwn(args, '__proto__')).toBe(true)
    expect(Object.getOwnPropertyDescriptor(args, '__proto__')?.value).toBe('x')
    expect(Object.getPrototypeOf(args)).toBe(Object.prototype)
    expect(Object.hasOwn(args, 'constructor')).toBe(true)
    expect(args.constructor).toBe('y')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
    expect(JSON.parse(JSON.stringify(args))).toEqual(args)
    expect(JSON.stringify(args)).toContain('"__proto__":"x"')
  })

  it('keeps a repeated __proto__ key an own array', () => {
    const args = parseArgs('__proto__=a&__proto__=b')
    expect(Object.getOwnPropertyDescriptor(args, '__proto__')?.value).toEqual(['a', 'b'])
    expect(Object.getPrototypeOf(args)).toBe(Object.prototype)
  })
})

describe('parseBodyArgs form', () => {
  it('parses url-encoded bodies with the query rules', async () => {
    expect(await parseBodyArgs('application/x-www-form-urlencoded', bytes('a=1+2&a=3&f&e='), false)).toEqual({
      kind: 'parsed',
      args: { a: ['1 2', '3'], f: true, e: '' },
    })
  })

  it('matches the content type case-insensitively by prefix, parameters ignored', async () => {
    expect(await parseBodyArgs('Application/X-WWW-Form-Urlencoded; charset=UTF-8', bytes('k=v'), false)).toEqual({
      kind: 'parsed',
      args: { k: 'v' },
    })
  })

  it('parses a missing form body as no args', async () => {
    expect(await parseBodyArgs('application/x-www-form-urlencoded', null, false)).toEqual({ kind: 'parsed', args: {} })
  })
})

describe('parseBodyArgs json', () => {
  it('accepts an object', async () => {
    expect(await parseBodyArgs('application/json', bytes('{"a":{"b":[1,2]},"c":null}'), false)).toEqual({
      kind: 'parsed',
      args: { a: { b: [1, 2] }, c: null },
    })
  })

  it('accepts an array, an empty one too', async () => {
    expect(await parseBodyArgs('application/json; charset=utf-8', bytes('[{},[]]'), false)).toEqual({
      kind: 'parsed',
      args: [{}, []],
    })
    const empty = await parseBodyArgs('application/json', bytes('[]'), false)
    expect(empty.kind).toBe('parsed')
    expect(empty.kind === 'parsed' && Array.isArray(empty.args)).toBe(true)
  })

  it('rejects scalars as invalid', async () => {
    for (const scalar of ['"text"', '42', 'true', 'false', 'null']) {
      expect(await parseBodyArgs('application/json', bytes(scalar), false)).toEqual({ kind: 'invalid' })
    }
  })

  it('rejects malformed JSON and a missing body as invalid', async () => {
    expect(await parseBodyArgs('application/json', bytes('{"foo":"bar"'), false)).toEqual({ kind: 'invalid' })
    expect(await parseBodyArgs('application/json', null, false)).toEqual({ kind: 'invalid' })
  })
})

describe('parseBodyArgs multipart', () => {
  it('maps fields to their values, repeated fields to arrays, files to their text', async () => {
    const form = new FormData()
    form.append('name', 'Ada Lovelace')
    form.append('tag', 'one')
    form.append('tag', 'two')
    form.append('tag', 'three')
    form.append('upload', new Blob(['file contents\nline 2'], { type: 'text/plain' }), 'notes.txt')
    const { contentType, body } = await multipart(form)
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/)
    expect(await parseBodyArgs(contentType, body, false)).toEqual({
      kind: 'parsed',
      args: { name: 'Ada Lovelace', tag: ['one', 'two', 'three'], upload: 'file contents\nline 2' },
    })
  })

  it('reports a body that is not multipart as invalid', async () => {
    expect(await parseBodyArgs('multipart/form-data; boundary=xyz', bytes('not multipart'), false)).toEqual({ kind: 'invalid' })
  })
})

describe('parseBodyArgs content types', () => {
  it('returns unsupported-type for unknown or missing content types', async () => {
    for (const type of ['text/plain', 'application/xml', 'application/octet-stream', 'text/json']) {
      expect(await parseBodyArgs(type, bytes('{"a":1}'), false)).toEqual({ kind: 'unsupported-type' })
    }
    expect(await parseBodyArgs(null, bytes('a=1'), false)).toEqual({ kind: 'unsupported-type' })
    expect(await parseBodyArgs(null, null, false)).toEqual({ kind: 'unsupported-type' })
  })

  it('never parses a too large body of a parseable type', async () => {
    const form = new FormData()
    form.append('a', '1')
    const { contentType, body } = await multipart(form)
    expect(await parseBodyArgs('application/x-www-form-urlencoded', bytes('a=1'), true)).toEqual({ kind: 'invalid' })
    expect(await parseBodyArgs('application/json', bytes('{"a":1}'), true)).toEqual({ kind: 'invalid' })
    expect(await parseBodyArgs(contentType, body, true)).toEqual({ kind: 'invalid' })
  })

  it('still reports unsupported-type for a too large body of an unknown type', async () => {
    expect(await parseBodyArgs('application/octet-stream', bytes('01234'), true)).toEqual({ kind: 'unsupported-type' })
    expect(await parseBodyArgs(null, bytes('01234'), true)).toEqual({ kind: 'unsupported-type' })
  })
})
