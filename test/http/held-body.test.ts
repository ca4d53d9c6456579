// Held bodies on Node: @hono/node-server replaces the global Response with a lightweight one
// that builds the full Response (a web stream over the body) only when something reads more
// than its status, headers or body bytes. Giving a held answer other headers (every proxied
// answer, response-transformer) must keep it lightweight, or each request pays for that stream.

import { getRequestListener } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { heldBody, responseOf, withHeaders } from '../../src/http/held-body.ts'

const GlobalResponse = globalThis.Response
/** Whether the lightweight response has built the full one (its cache, under @hono/node-server's symbol). */
const built = (response: Response) =>
  Object.getOwnPropertySymbols(response).some((symbol) => symbol.description === 'responseCache' && Reflect.get(response, symbol))

beforeAll(() => {
  // Installs @hono/node-server's Response as the global one, as the Node entry does.
  getRequestListener(() => new Response(null))
})

afterAll(() => {
  globalThis.Response = GlobalResponse
})

describe('withHeaders on a held body', () => {
  it('keeps the status, the status text and the bytes, with the new headers', () => {
    const bytes = new TextEncoder().encode('{"ok":true}')
    const response = withHeaders(responseOf(bytes, { status: 201, statusText: 'Created' }), new Headers({ 'x-new': '1' }))
    expect({ status: response.status, statusText: response.statusText, header: response.headers.get('x-new'), body: heldBody(response) }).toEqual({
      status: 201,
      statusText: 'Created',
      header: '1',
      body: bytes,
    })
  })

  it('does not build the full Response of the lightweight one it was given', () => {
    expect(globalThis.Response).not.toBe(GlobalResponse)
    const original = responseOf(new TextEncoder().encode('hello'), { status: 200, headers: { 'content-type': 'text/plain' } })
    const changed = withHeaders(original, new Headers({ via: '1.1 lambda-gateway' }))
    expect({ original: built(original), changed: built(changed) }).toEqual({ original: false, changed: false })
  })
})
