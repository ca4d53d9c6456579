// The consumer an authentication plugin found, as Kong's set_consumer hands it upstream.

import { describe, expect, it } from 'vitest'
import { createLogger } from '../../src/log.ts'
import { buildGatewayConfig } from '../../src/model/declarative.ts'
import { alreadyAuthenticated, anonymousConsumer, authenticate } from '../../src/pipeline/authenticate.ts'
import { createContext, type RequestContext } from '../../src/pipeline/context.ts'
import { readRequestBody } from '../../src/pipeline/request.ts'
import { configError } from '../support/expect-error.ts'

const config = buildGatewayConfig(
  {
    _format_version: '3.0',
    consumers: [
      { username: 'alice', custom_id: 'c-1', keyauth_credentials: [{ key: 'alice-key' }] },
      { username: 'anonymous', id: '6a4d6a5e-2d5b-4fd4-9d8a-0a8b1b2e6c11' },
      { username: '李雷', custom_id: 'ü-1', keyauth_credentials: [{ key: 'clé' }] },
    ],
  },
  {},
)
const [alice, anonymous, lei] = config.consumers

function context(headers: Record<string, string>, raw?: Array<[string, string]>): RequestContext {
  const request = new Request('http://gateway.test/a', { headers })
  return createContext(
    { request, runtime: undefined, readBody: readRequestBody, limits: { bufferSize: 8192, maxSize: 0 } },
    {
      url: new URL(request.url),
      match: { requestPath: '/a', path: '/a', captures: {}, matchedPath: null },
      route: { label: 'r', methods: [] },
      client: { sourceIp: '127.0.0.1', protocol: 'HTTP/1.1', scheme: 'http', ...(raw ? { raw: { headerLines: raw, target: '/a' } } : {}) },
      receivedAt: 0,
      requestId: 'id',
      gatewayRequestId: 'id',
      log: createLogger('error', () => {}),
    },
  )
}

describe('authenticate', () => {
  it("sets Kong's consumer headers, replacing any the client sent", () => {
    const ctx = context({ 'x-consumer-id': 'forged', 'x-anonymous-consumer': 'true', accept: 'text/plain' })
    const credential = config.credentials.keyauth[0]
    authenticate(ctx, alice, { credential, identifier: credential.id })
    expect(ctx.consumer).toBe(alice)
    expect(ctx.credential).toBe(credential)
    expect(Object.fromEntries(ctx.headers)).toEqual({
      accept: 'text/plain',
      'x-consumer-id': alice.id,
      'x-consumer-custom-id': 'c-1',
      'x-consumer-username': 'alice',
      'x-credential-identifier': credential.id,
    })
  })

  it('sends names beyond Latin-1 as their UTF-8 bytes, as Kong does (fetch Headers refuse them as text: every request was a 500)', () => {
    const ctx = context({})
    const credential = config.credentials.keyauth[1]
    authenticate(ctx, lei, { credential, identifier: credential.key })
    const bytes = (text: string) => String.fromCharCode(...new TextEncoder().encode(text))
    expect(ctx.headers.get('x-consumer-username')).toBe(bytes('李雷'))
    expect(ctx.headers.get('x-consumer-custom-id')).toBe(bytes('ü-1'))
    expect(ctx.headers.get('x-credential-identifier')).toBe(bytes('clé'))
  })

  it('marks the anonymous consumer, without a credential identifier or the fields it lacks', () => {
    const ctx = context({ 'x-consumer-custom-id': 'forged', 'x-credential-identifier': 'forged' })
    authenticate(ctx, anonymous)
    expect(ctx.credential).toBeUndefined()
    expect(Object.fromEntries(ctx.headers)).toEqual({
      'x-consumer-id': anonymous.id,
      'x-consumer-username': 'anonymous',
      'x-anonymous-consumer': 'true',
    })
  })

  it('keeps the header lines the runtime kept apart in step (every forged line goes)', () => {
    const ctx = context({}, [
      ['x-consumer-username', 'forged-1'],
      ['x-consumer-username', 'forged-2'],
      ['cookie', 'a=1'],
      ['cookie', 'b=2'],
    ])
    authenticate(ctx, alice, { credential: config.credentials.keyauth[0], identifier: 'k' })
    expect(ctx.client.raw?.headerLines.filter(([name]) => name === 'x-consumer-username' || name === 'cookie')).toEqual([
      ['cookie', 'a=1'],
      ['cookie', 'b=2'],
      ['x-consumer-username', 'alice'],
    ])
  })

  it('with anonymous set, a credential found before ends the next plugin (logical OR); without, it does not', () => {
    const ctx = context({})
    expect(alreadyAuthenticated(ctx, 'anonymous')).toBe(false)
    authenticate(ctx, anonymous)
    expect(alreadyAuthenticated(ctx, 'anonymous')).toBe(false)
    authenticate(ctx, alice, { credential: config.credentials.keyauth[0], identifier: 'k' })
    expect(alreadyAuthenticated(ctx, 'anonymous')).toBe(true)
    expect(alreadyAuthenticated(ctx, null)).toBe(false)
  })
})

describe('anonymousConsumer', () => {
  it('finds the consumer by id or by username', () => {
    expect(anonymousConsumer(anonymous.id, config, 'p')).toBe(anonymous)
    expect(anonymousConsumer('alice', config, 'p')).toBe(alice)
    expect(anonymousConsumer(null, config, 'p')).toBeUndefined()
  })

  it("refuses one that does not exist, in Kong's words, at its field", () => {
    expect(configError(() => anonymousConsumer('nobody', config, 'routes[0].plugins[0].config')).problems).toEqual([
      { path: 'routes[0].plugins[0].config.anonymous', message: "anonymous consumer nobody is configured but doesn't exist" },
    ])
  })
})
