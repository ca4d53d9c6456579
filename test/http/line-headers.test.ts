// LineHeaders stands in for fetch's Headers on proxied answers: whatever a plugin does with it
// must give what fetch's Headers gives, errors included, while the lines keep their order.

import { getRequestListener } from '@hono/node-server'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { invalidField } from '../../src/http/field-syntax.ts'
import { headerLines } from '../../src/http/header-lines.ts'
import { lineHeaders } from '../../src/http/line-headers.ts'
import { deleteHopByHop } from '../../src/proxy/hop-by-hop.ts'

const GlobalResponse = globalThis.Response

beforeAll(() => {
  // Installs @hono/node-server's Response as the global one, as the Node entry does.
  getRequestListener(() => new Response(null))
})

afterAll(() => {
  globalThis.Response = GlobalResponse
})

type Op = { op: 'append' | 'set' | 'get' | 'has' | 'delete'; name: string; value: string } | { op: 'getSetCookie' | 'entries' | 'forEach' }

const name = fc.oneof(fc.constantFrom('a', 'A', 'b', 'Set-Cookie', 'set-cookie', 'x-y', 'X-Y', 'via'), fc.constantFrom('', 'a b', 'é', 'a:b', 'a\n', 'ā'))
const value = fc.oneof(fc.constantFrom('1', ' 2 ', '\t3', 'x, y', '', 'é', 'a\nb', 'a\0b', 'ā', '\x7f', ' '), fc.string({ maxLength: 4 }))
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('append', 'set', 'get', 'has', 'delete') as fc.Arbitrary<'append'>, name, value }),
  fc.record({ op: fc.constantFrom('getSetCookie', 'entries', 'forEach') as fc.Arbitrary<'entries'> }),
)

/** What `op` gives on `headers`: its result, or that it threw a TypeError. */
function apply(headers: Headers, step: Op): unknown {
  try {
    switch (step.op) {
      case 'append':
      case 'set':
        return headers[step.op](step.name, step.value)
      case 'get':
      case 'has':
      case 'delete':
        return headers[step.op](step.name)
      case 'getSetCookie':
        return headers.getSetCookie()
      case 'entries':
        return [...headers.entries(), ...headers.keys(), ...headers.values(), ...headers]
      case 'forEach': {
        const seen: unknown[] = []
        headers.forEach((v, k, parent) => {
          seen.push([v, k, parent === headers])
        })
        return seen
      }
    }
  } catch (error) {
    return error instanceof TypeError ? 'TypeError' : error
  }
}

describe('LineHeaders', () => {
  it('answers every Headers method as fetch does, from the same lines', () => {
    const raw = fc.array(fc.tuple(fc.constantFrom('A', 'b', 'Set-Cookie', 'Via', 'x-Y'), fc.constantFrom('1', '2', 'x, y')), { maxLength: 5 })
    fc.assert(
      fc.property(raw, fc.array(op, { maxLength: 12 }), (lines, ops) => {
        const fetchHeaders = new Headers()
        for (const [n, v] of lines) fetchHeaders.append(n, v)
        const ours = lineHeaders(lines.flat())
        for (const step of ops) expect(apply(ours, step)).toEqual(apply(fetchHeaders, step))
        expect([...ours]).toEqual([...fetchHeaders])
      }),
      { numRuns: 2000 },
    )
  })

  it('keeps the lines in their order, repeated ones apart, a set value where its first line was', () => {
    const headers = lineHeaders(['Content-Type', 'text/plain', 'WWW-Authenticate', 'Basic', 'Via', '1.0 a', 'WWW-Authenticate', 'Bearer'])
    headers.set('via', '1.0 a, 1.1 gateway')
    headers.append('X-Extra', ' 1 ')
    expect(headerLines(headers)).toEqual([
      ['content-type', 'text/plain'],
      ['www-authenticate', 'Basic'],
      ['via', '1.0 a, 1.1 gateway'],
      ['www-authenticate', 'Bearer'],
      ['x-extra', '1'],
    ])
    expect(headerLines(new Headers())).toBeUndefined()
  })

  it('is a Headers to instanceof and stays the live headers of a Node Response made with it', () => {
    const headers = lineHeaders(['A', '1'])
    expect(headers).toBeInstanceOf(Headers)
    const response = new Response('x', { status: 200, headers })
    expect(response.headers).toBe(headers)
    // The full Response, once something builds it, has the same headers.
    expect(Object.fromEntries(new GlobalResponse(new Uint8Array(1), { headers }).headers)).toEqual({ a: '1' })
  })

  it('loses the same lines to the proxy’s hop-by-hop cleaning as fetch Headers do, the rest kept in order', () => {
    const lineName = fc.constantFrom('Connection', 'connection', 'Keep-Alive', 'TE', 'Upgrade', 'X-A', 'x-b', 'X-Accel-Buffering', 'Set-Cookie', 'Via')
    const lineValue = fc.constantFrom('close', 'x-a', 'X-A, te', 'x-b , ,x-via', 'keep-alive', 'bad token', '1')
    const also = new Set(['x-accel-buffering'])
    fc.assert(
      fc.property(fc.array(fc.tuple(lineName, lineValue), { maxLength: 8 }), (lines) => {
        const fetched = new Headers()
        for (const [n, v] of lines) fetched.append(n, v)
        const kept = lineHeaders(lines.flat())
        deleteHopByHop(fetched, also)
        deleteHopByHop(kept, also)
        expect([...kept]).toEqual([...fetched])
        const remaining = new Set([...fetched.keys()])
        expect(headerLines(kept)).toEqual(lines.map(([n, v]) => [n.toLowerCase(), v] as const).filter(([n]) => remaining.has(n)))
      }),
    )
  })

  it('is checked and cleaned by the proxy as fetch Headers are', () => {
    const headers = lineHeaders(['Connection', 'close, X-Secret', 'X-Secret', 's', 'Keep-Alive', '5', 'Te', 'x', 'X-Kept', 'k'])
    deleteHopByHop(headers, new Set())
    expect(headerLines(headers)).toEqual([['x-kept', 'k']])
    expect(invalidField(lineHeaders(['X-Ok', 'a', 'X-Bad', 'a\x01b']))).toBe('x-bad')
  })
})
