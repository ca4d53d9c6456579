// What consistent-hashing reads of a request, as Kong's balancer reads it
// (spec/02-integration/05-proxy/10-balancer/03-consistent-hashing_spec.lua's hash values).

import { describe, expect, it } from 'vitest'
import type { RequestContext } from '../../src/pipeline/context.ts'
import { balanceRequest } from '../../src/proxy/balance-request.ts'

function ctxOf(url: string, headers: Record<string, string> = {}, extra: Partial<RequestContext> = {}): RequestContext {
  return {
    url: new URL(url, 'http://gateway.test'),
    headers: new Headers(headers),
    client: { sourceIp: '10.0.0.9', protocol: 'HTTP/1.1', scheme: 'http' },
    match: { requestPath: new URL(url, 'http://gateway.test').pathname, path: '/', captures: { namespace: 'foo' }, matchedPath: null },
    ...extra,
  } as RequestContext
}

describe('balanceRequest', () => {
  it.each([
    ['/?hashme=123', 'hashme', '123'],
    ['/', 'hashme', undefined],
    ['/?hashme', 'hashme', 'true'],
    ['/?foo=', 'foo', ''],
    ['/?foo=b&foo=a&foo=c', 'foo', 'a,b,c'],
    ['/?foo=s&foo&foo=1&foo=', 'foo', ',1,s,true'],
    ['/?foo&foo&', 'foo', 'true,true'],
    [`/?${encodeURIComponent('{}')}=1`, '{}', '1'],
    ['/?%3D=2', '=', '2'],
  ])("query_arg: %s → %j (Kong's normalisation)", (url, name, value) => {
    expect(balanceRequest(ctxOf(url)).queryArg(name)).toBe(value)
  })

  it('reads headers joined, cookies as nginx does, the client address, captures and the consumer', () => {
    const headers = { hashme: 'just a value', cookie: 'other=1; HashMe=abc; hashme=def' }
    const consumer = { id: 'c-id' } as RequestContext['consumer']
    const request = balanceRequest(ctxOf('/my-path?a=1', headers, { consumer }))
    expect(request.header('HashMe')).toBe('just a value')
    expect(request.cookie('hashme')).toBe('abc')
    expect(request.path).toBe('/my-path')
    expect(request.sourceIp).toBe('10.0.0.9')
    expect(request.uriCapture('namespace')).toBe('foo')
    expect(request.uriCapture('1')).toBeUndefined()
    expect(request.consumerId).toBe('c-id')
  })
})
