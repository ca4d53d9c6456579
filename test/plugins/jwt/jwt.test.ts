// The jwt plugin in process: Kong's parser spec (spec/03-plugins/16-jwt/01-jwt_parser_spec.lua)
// as vectors through the plugin (a token signed with each algorithm verifies with its public
// key or secret, and not with another), the parser's refusals and claim rules, the schema's
// checks (06-schema_spec.lua), what the plugin leaves on the request, and where lambda-gateway
// reads a token otherwise than jose would.

import { encode } from 'jose/base64url'
import { describe, expect, it, vi } from 'vitest'
import { createGateway } from '../../../src/gateway.ts'
import { createLogger } from '../../../src/log.ts'
import { buildGatewayConfig } from '../../../src/model/declarative.ts'
import { authenticate } from '../../../src/pipeline/authenticate.ts'
import { writableAnswer } from '../../../src/pipeline/exchange.ts'
import type { PluginDefinition } from '../../../src/pipeline/plugin.ts'
import { PLUGINS } from '../../../src/plugins/index.ts'
import { claimProblems, expiresTooLate, parseToken } from '../../../src/plugins/jwt/token.ts'
import {
  ED25519_PRIVATE_KEY,
  ED25519_PUBLIC_KEY,
  ES256_PRIVATE_KEY,
  ES256_PUBLIC_KEY,
  ES384_PRIVATE_KEY,
  ES384_PUBLIC_KEY,
  ES512_PRIVATE_KEY,
  ES512_PUBLIC_KEY,
  RSA_OTHER_PUBLIC_KEY,
  RSA_PRIVATE_KEY,
  RSA_PUBLIC_KEY,
} from '../../support/jwt-keys.ts'
import { payload, sign, signAs } from '../../support/jwt-tokens.ts'
import { pluginConfigProblems, validPluginConfig } from '../../support/plugin-config.ts'

/** A plugin after jwt that answers with what jwt left on the request. */
const reporter: PluginDefinition = {
  name: 'jwt-reporter',
  priority: 10,
  schema: {},
  create: () => ({
    access: (ctx) => Response.json({ jwt: ctx.authenticatedJwt, consumer: ctx.consumer?.username, headers: Object.fromEntries(ctx.headers) }),
  }),
}
/** An authentication plugin before jwt that recognises every request carrying `x-pre-auth` as consumer `anon`'s. */
const preAuth: PluginDefinition = {
  name: 'pre-auth',
  priority: 2000,
  schema: {},
  create: (_config, { consumers }) => ({
    access(ctx) {
      const consumer = consumers.consumers.find((c) => c.username === 'anon')!
      if (ctx.headers.has('x-pre-auth')) authenticate(ctx, consumer, { credential: { id: 'pre', consumer, tags: [] } as never, identifier: 'pre' })
      return undefined
    },
  }),
}
const registry = [...PLUGINS, reporter, preAuth]

/** A gateway whose route `/` has jwt with `config`, for consumer `c` holding `secrets`. */
function gateway(secrets: Record<string, unknown>[], config: Record<string, unknown> = {}) {
  const lines: string[] = []
  const log = createLogger('debug', (line) => lines.push(line))
  const document = {
    _format_version: '3.0',
    consumers: [{ username: 'c', jwt_secrets: secrets }, { username: 'anon' }],
    routes: [{ name: 'r', paths: ['/'], plugins: [{ name: 'pre-auth' }, { name: 'jwt', config }, { name: 'jwt-reporter' }] }],
  }
  const made = createGateway({ config: buildGatewayConfig(document, {}, { registry }), env: {}, log, registry })
  return {
    lines,
    async send(token: string, headers: Record<string, string> = {}) {
      const response = writableAnswer(await made.handle(new Request('http://gw.test/', { headers: { authorization: `Bearer ${token}`, ...headers } })), log)
      return { status: response.status, body: await response.json(), challenge: response.headers.get('www-authenticate') }
    },
  }
}

const VECTORS: Array<[string, string, string, string]> = [
  ['HS256', 'secret', 'secret', 'invalid'],
  ['HS384', 'secret', 'secret', 'invalid'],
  ['HS512', 'secret', 'secret', 'invalid'],
  ['RS256', RSA_PRIVATE_KEY, RSA_PUBLIC_KEY, RSA_OTHER_PUBLIC_KEY],
  ['RS384', RSA_PRIVATE_KEY, RSA_PUBLIC_KEY, RSA_OTHER_PUBLIC_KEY],
  ['RS512', RSA_PRIVATE_KEY, RSA_PUBLIC_KEY, RSA_OTHER_PUBLIC_KEY],
  ['ES256', ES256_PRIVATE_KEY, ES256_PUBLIC_KEY, RSA_PUBLIC_KEY],
  ['ES384', ES384_PRIVATE_KEY, ES384_PUBLIC_KEY, RSA_PUBLIC_KEY],
  ['ES512', ES512_PRIVATE_KEY, ES512_PUBLIC_KEY, RSA_PUBLIC_KEY],
  ['PS256', RSA_PRIVATE_KEY, RSA_PUBLIC_KEY, RSA_OTHER_PUBLIC_KEY],
  ['PS384', RSA_PRIVATE_KEY, RSA_PUBLIC_KEY, RSA_OTHER_PUBLIC_KEY],
  ['PS512', RSA_PRIVATE_KEY, RSA_PUBLIC_KEY, RSA_OTHER_PUBLIC_KEY],
  ['EdDSA', ED25519_PRIVATE_KEY, ED25519_PUBLIC_KEY, ES256_PUBLIC_KEY],
]

describe('jwt: signatures (Kong parser spec: encoding, verify signature)', () => {
  it.each(VECTORS)('%s: verifies with its key, not with another', async (alg, signWith, right, wrong) => {
    const credential = (key: string, verifyWith: string) =>
      alg.startsWith('HS') ? { key, algorithm: alg, secret: verifyWith } : { key, algorithm: alg, rsa_public_key: verifyWith }
    const gw = gateway([credential('right', right), credential('wrong', wrong)])
    const claims = { sub: '5656565656', name: 'Jane Doe', admin: true }
    const good = await gw.send(await sign({ ...claims, iss: 'right' }, signWith, alg))
    expect(good).toMatchObject({ status: 200, body: { consumer: 'c', headers: { 'x-credential-identifier': 'right' } } })
    const bad = await gw.send(await sign({ ...claims, iss: 'wrong' }, signWith, alg))
    expect([bad.status, bad.body]).toEqual(
      alg.startsWith('HS') ? [401, { message: 'Invalid signature' }] : [401, expect.objectContaining({ message: expect.any(String) })],
    )
  })

  it("imports each credential's key once, whatever the number of requests", async () => {
    const gw = gateway([
      { key: 'rs', algorithm: 'RS256', rsa_public_key: RSA_PUBLIC_KEY },
      { key: 'hs', secret: 's' },
    ])
    const tokens = [await sign({ iss: 'rs' }, RSA_PRIVATE_KEY, 'RS256'), await sign({ iss: 'hs' }, 's')]
    const imports = vi.spyOn(crypto.subtle, 'importKey')
    try {
      for (let round = 0; round < 3; round++) for (const token of tokens) expect((await gw.send(token)).status).toBe(200)
      expect(imports).toHaveBeenCalledTimes(2)
    } finally {
      imports.mockRestore()
    }
  })

  it('a key of the wrong type for its algorithm is the credential fault: Invalid key/secret, logged without the key', async () => {
    const gw = gateway([{ key: 'k', algorithm: 'ES256', rsa_public_key: RSA_PUBLIC_KEY }])
    const token = await sign({ iss: 'k' }, ES256_PRIVATE_KEY, 'ES256')
    expect(await gw.send(token)).toEqual({ status: 401, body: { message: 'Invalid key/secret' }, challenge: 'Bearer error="invalid_token"' })
    expect(gw.lines.some((line) => line.includes('jwt: the credential has no key this gateway verifies with'))).toBe(true)
    expect(gw.lines.join('\n')).not.toContain(RSA_PUBLIC_KEY.split('\n')[1])
  })

  it('ES* without a public key: Invalid key/secret (Kong checks no key for ES*)', async () => {
    const gw = gateway([{ key: 'k', algorithm: 'ES256' }])
    expect((await gw.send(await sign({ iss: 'k' }, ES256_PRIVATE_KEY, 'ES256'))).body).toEqual({ message: 'Invalid key/secret' })
  })
})

describe('jwt: the verified request', () => {
  it("is the consumer's, with the token, its header and claims on the context (Kong: kong.ctx.shared.authenticated_jwt_token)", async () => {
    const gw = gateway([{ key: 'k', secret: 'the-secret' }])
    const claims = payload({ iss: 'k', scope: 'read' })
    const token = await sign(claims, 'the-secret')
    expect((await gw.send(token)).body).toMatchObject({ consumer: 'c', jwt: { token, header: { typ: 'JWT', alg: 'HS256' }, claims } })
  })

  it('secret_is_base64 decodes the stored secret as base64url; one that does not decode is Invalid key/secret', async () => {
    const raw = 'bytes that \u00ff base64 with + and /?'
    const stored = encode(raw)
    const gw = gateway(
      [
        { key: 'k', secret: stored },
        { key: 'std', secret: btoa('>>>???') },
      ],
      { secret_is_base64: true },
    )
    expect((await gw.send(await sign({ iss: 'k' }, raw))).status).toBe(200)
    expect((await gw.send(await sign({ iss: 'std' }, 'x'))).body).toEqual({ message: 'Invalid key/secret' })
  })

  it('the key comes from the claims first, then the header; false in the claims reads the header', async () => {
    const gw = gateway([{ key: 'k', secret: 's' }])
    expect((await gw.send(await sign({ iss: false }, 's', 'HS256', { alg: 'HS256', iss: 'k' }))).status).toBe(200)
    expect((await gw.send(await sign({ iss: 'other' }, 's', 'HS256', { alg: 'HS256', iss: 'k' }))).body).toEqual({
      message: "No credentials found for given 'iss'",
    })
    expect((await gw.send(await sign({ iss: 42 }, 's'))).body).toEqual({ message: "No credentials found for given 'iss'" })
  })

  it('header_names with `_` find the header sent with `_` or with `-`, as the headers table Kong reads finds it', async () => {
    const gw = gateway([{ key: 'k', secret: 's' }], { header_names: ['x_token'] })
    const token = await sign({ iss: 'k' }, 's')
    expect((await gw.send('', { x_token: `Bearer ${token}` })).status).toBe(200)
    expect((await gw.send('', { 'x-token': `Bearer ${token}` })).status).toBe(200)
  })

  it('reads a long header without a Bearer token in linear time (the leading \\s* took quadratic time: seconds of CPU per request)', async () => {
    const gw = gateway([{ key: 'k', secret: 'secret' }])
    const long = await gw.send('', { authorization: `x${' '.repeat(300_000)}x` })
    expect([long.status, long.body]).toEqual([401, { message: 'Unauthorized' }])
    const token = await sign({ iss: 'k' }, 'secret', 'HS256')
    expect((await gw.send('', { authorization: `${' '.repeat(300_000)}Bearer ${token}` })).status).toBe(200)
  })

  it('accepts a lowercase or missing typ, and padded parts (Kong: typ is not read; parts may be padded)', async () => {
    const gw = gateway([{ key: 'k', secret: 's' }])
    expect((await gw.send(await sign({ iss: 'k' }, 's', 'HS256', { typ: 'jwt' }))).status).toBe(200)
    expect((await gw.send(await sign({ iss: 'k' }, 's', 'HS256', {}))).status).toBe(200)
    // A header whose base64url needs padding, written padded: the signature is over the padded text.
    const padded = async (header: Record<string, unknown>) => {
      const token = await signAs(header, { iss: 'k' }, 's')
      const [h, p] = token.split('.')
      expect(h.length % 4).not.toBe(0)
      const input = `${h}${'='.repeat(4 - (h.length % 4))}.${p}`
      const key = await crypto.subtle.importKey('raw', new TextEncoder().encode('s'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      return `${input}.${encode(new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input))))}`
    }
    const token = await padded({ alg: 'HS256', x: 'a' })
    expect(await gw.send(token)).toMatchObject({ status: 200 })
  })

  it('a header with crit is refused as Invalid signature (jose follows RFC 7515; Kong ignores crit)', async () => {
    const gw = gateway([{ key: 'k', secret: 's' }])
    const token = await signAs({ alg: 'HS256', crit: ['exp'], exp: 1 }, { iss: 'k' }, 's')
    expect((await gw.send(token)).body).toEqual({ message: 'Invalid signature' })
  })
})

describe('jwt: with other authentication plugins (Kong: multiple authentication)', () => {
  it('with anonymous (logical OR), a request another plugin recognised is not looked at; without a token, the anonymous consumer', async () => {
    const gw = gateway([{ key: 'k', secret: 's' }], { anonymous: 'anon' })
    expect((await gw.send('not.a.token', { 'x-pre-auth': '1' })).body).toMatchObject({ consumer: 'anon', headers: { 'x-credential-identifier': 'pre' } })
    const anonymous = (await gw.send('not.a.token')).body
    expect(anonymous).toMatchObject({ consumer: 'anon', headers: { 'x-anonymous-consumer': 'true' } })
    expect(anonymous.headers['x-credential-identifier']).toBeUndefined()
  })

  it('without anonymous (logical AND), jwt still needs its own token', async () => {
    const gw = gateway([{ key: 'k', secret: 's' }])
    expect(await gw.send('not.a.token', { 'x-pre-auth': '1' })).toMatchObject({ status: 401, body: { message: 'Bad token; invalid JSON' } })
    expect((await gw.send(await sign({ iss: 'k' }, 's'), { 'x-pre-auth': '1' })).body).toMatchObject({
      consumer: 'c',
      headers: { 'x-credential-identifier': 'k' },
    })
  })
})

describe('jwt: reading a token (Kong parser spec: decoding)', () => {
  const part = (value: unknown) => encode(JSON.stringify(value))

  it.each([
    ['not a token', 'invalid JSON'],
    ['a.b', 'invalid JSON'],
    [`${part({ alg: 'HS256' })}.!!!.sig`, 'invalid JSON'],
    [`${part({ alg: 'foo' })}.${part({})}.sig`, 'invalid alg'],
    [`${part({ typ: 'JWT' })}.${part({})}.sig`, 'invalid alg'],
    [`${part({ alg: 7 })}.${part({})}.sig`, 'invalid alg'],
    [`${part({ alg: 'HS256' })}.${part(false)}.sig`, 'invalid claims'],
    [`${part({ alg: 'HS256' })}.${part({})}.sig.more`, 'invalid signature'],
    [`${part({ alg: 'HS256' })}.${part({})}.a+b`, 'invalid signature'],
  ])('%s: %s', (token, problem) => {
    expect(parseToken(token)).toEqual({ problem })
  })

  it('accepts RS256 with typ JWT, jwt or none, and an array as claims', () => {
    for (const header of [{ typ: 'JWT', alg: 'RS256' }, { typ: 'jwt', alg: 'RS256' }, { alg: 'RS256' }]) {
      const signed = `${part(header)}.${part({ sub: '1234' })}`
      expect(parseToken(`${signed}.AQI`)).toEqual({ header, claims: { sub: '1234' }, signed, signature: new Uint8Array([1, 2]) })
    }
    const signed = `${part({ alg: 'HS256' })}.${part([1])}`
    expect(parseToken(`${signed}.`)).toEqual({ header: { alg: 'HS256' }, claims: [1], signed, signature: new Uint8Array() })
  })

  it("Bad token answers carry the parser's reason", async () => {
    const gw = gateway([{ key: 'k', secret: 's' }])
    expect(await gw.send(`${part({ alg: 'none' })}.${part({ iss: 'k' })}.`)).toEqual({
      status: 401,
      body: { message: 'Bad token; invalid alg' },
      challenge: 'Bearer error="invalid_token"',
    })
  })
})

describe('jwt: registered claims (Kong parser spec: verify registered claims)', () => {
  const now = 1_700_000_000
  it('requires the claims asked for, as numbers', () => {
    expect(claimProblems({ sub: 'foo' }, ['exp', 'nbf'], now)).toEqual({ exp: 'must be a number', nbf: 'must be a number' })
    expect(claimProblems({ sub: 'foo' }, ['nbf'], now)).toEqual({ nbf: 'must be a number' })
    expect(claimProblems({ exp: 'bar', nbf: 'foo' }, ['exp', 'nbf'], now)).toEqual({ exp: 'must be a number', nbf: 'must be a number' })
  })
  it('exp: expired at the second it names; nbf: valid from the second it names', () => {
    expect(claimProblems({ exp: now - 10 }, ['exp'], now)).toEqual({ exp: 'token expired' })
    expect(claimProblems({ exp: now }, ['exp'], now)).toEqual({ exp: 'token expired' })
    expect(claimProblems({ exp: now + 1 }, ['exp'], now)).toBeUndefined()
    expect(claimProblems({ nbf: now + 10 }, ['nbf'], now)).toEqual({ nbf: 'token not valid yet' })
    expect(claimProblems({ nbf: now }, ['nbf'], now)).toBeUndefined()
    expect(claimProblems({}, [], now)).toBeUndefined()
  })
  it('maximum_expiration: exp at most that many seconds ahead; 0 is no limit', () => {
    expect(expiresTooLate({ exp: now + 300 }, 300, now)).toBe(false)
    expect(expiresTooLate({ exp: now + 301 }, 300, now)).toBe(true)
    expect(expiresTooLate({}, 300, now)).toBe(true)
    expect(expiresTooLate({}, 0, now)).toBe(false)
  })
})

describe('jwt: config (Kong schema spec)', () => {
  it("has Kong's defaults", () => {
    expect(validPluginConfig('jwt')).toEqual({
      uri_param_names: ['jwt'],
      cookie_names: [],
      header_names: ['authorization'],
      key_claim_name: 'iss',
      secret_is_base64: false,
      maximum_expiration: 0,
      run_on_preflight: true,
    })
  })
  it('validates maximum_expiration', () => {
    expect(validPluginConfig('jwt', { maximum_expiration: 60, claims_to_verify: ['exp', 'nbf'] })).toMatchObject({ maximum_expiration: 60 })
    for (const claims of [['exp', 'nbf'], ['nbf']])
      expect(pluginConfigProblems('jwt', { maximum_expiration: -1, claims_to_verify: claims })).toEqual({
        maximum_expiration: 'value should be between 0 and 31536000',
      })
    expect(pluginConfigProblems('jwt', { maximum_expiration: 60, claims_to_verify: ['nbf'] })).toEqual({
      '@entity': 'claims_to_verify: expected to contain: exp',
    })
    expect(pluginConfigProblems('jwt', { claims_to_verify: ['iat'] })).toMatchObject({
      'claims_to_verify[0]': expect.stringContaining('expected one of: exp, nbf'),
    })
  })
  it('a realm no server can send in WWW-Authenticate is refused at load', () => {
    expect(pluginConfigProblems('jwt', { realm: 'a\nb' })).toEqual({ realm: 'the header value cannot be sent: character U+000A at 1' })
  })
  it('an anonymous consumer that does not exist is refused at load', () => {
    expect(() => gateway([], { anonymous: 'nobody' })).toThrow("anonymous consumer nobody is configured but doesn't exist")
  })
  it('cannot be scoped to a consumer', () => {
    expect(PLUGINS.find((plugin) => plugin.name === 'jwt')).toMatchObject({ priority: 1450, noConsumer: true })
  })
})
