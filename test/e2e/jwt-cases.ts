// The jwt plugin end to end, on every runtime: the cases of Kong's
// spec/03-plugins/16-jwt/03-access_spec.lua that apply to HTTP routes (not gRPC, not the
// ctx-checker plugin: the verified token is checked in the unit tests), plus what
// lambda-gateway does differently. Kong's upstream echoes the request; here the echo function
// shows the headers it got. The routes and consumers are the jwt block of
// test/support/gateway-config.ts.

import { JWT_CREDENTIALS as C, JWT_ANONYMOUS_ID } from '../support/gateway-config.ts'
import { ED25519_PRIVATE_KEY, ES256_PRIVATE_KEY, ES384_PRIVATE_KEY, ES512_PRIVATE_KEY, RSA_PRIVATE_KEY } from '../support/jwt-keys.ts'
import { payload, sign, signAs } from '../support/jwt-tokens.ts'
import { type Case, type E2E, json } from './harness.ts'

type Request = { host: string; path?: string; method?: string; headers?: Record<string, string> }

const send = (t: E2E, { host, path = '/request', method, headers = {} }: Request) =>
  t.send({ host: `${host}.jwt.test`, path, headers, ...(method ? { method } : {}) })

/** The request headers the echo function got, after a 200. */
async function upstreamHeaders(t: E2E, request: Request): Promise<Record<string, string>> {
  const response = await send(t, request)
  const body = await json(response)
  t.equal(response.status, 200, `status of ${request.host}${request.path ?? ''}: ${JSON.stringify(body).slice(0, 200)}`)
  return JSON.parse(body.body).request_headers
}

/** A 401 with exactly `body` (as Kong's cjson writes it) and `challenge` in WWW-Authenticate. */
async function expectRefusal(t: E2E, request: Request, body: string, challenge = 'Bearer error="invalid_token"'): Promise<void> {
  const response = await send(t, request)
  t.equal([response.status, await response.text()], [401, body], `answer of ${request.host}`)
  t.equal(response.headers.get('www-authenticate'), challenge, 'WWW-Authenticate')
  t.equal(response.headers.get('content-type'), 'application/json; charset=utf-8', 'Content-Type')
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

/** The request is the consumer's, recognised by the credential `key`. */
function expectConsumer(t: E2E, headers: Record<string, string>, username: string, key: string): void {
  t.equal([headers['x-consumer-username'], headers['x-credential-identifier'], headers['x-anonymous-consumer']], [username, key, undefined], 'consumer headers')
  t.ok(/^[0-9a-f-]{36}$/.test(headers['x-consumer-id']), `x-consumer-id ${headers['x-consumer-id']}`)
}

/** An algorithm's token identifies its consumer (Kong: "verifies JWT", "identifies Consumer"). */
const algorithmCase = (alg: string, privateKey: string, credential: { key: string }, username: string): Case => ({
  name: `jwt ${alg}: a token signed with the credential's key identifies its consumer`,
  async run(t) {
    const token = await sign(payload({ iss: credential.key }), privateKey, alg)
    const headers = await upstreamHeaders(t, { host: 'jwt1', headers: bearer(token) })
    t.equal(headers.authorization, `Bearer ${token}`, 'the Authorization header goes on')
    expectConsumer(t, headers, username, credential.key)
  },
})

const refusals: Case[] = [
  {
    name: 'jwt: no token is 401 Unauthorized with WWW-Authenticate: Bearer',
    run: (t) => expectRefusal(t, { host: 'jwt1' }, '{"message":"Unauthorized"}', 'Bearer'),
  },
  {
    name: "jwt: claims without the key claim are 401 No mandatory 'iss' in claims",
    run: async (t) => expectRefusal(t, { host: 'jwt1', headers: bearer(await sign(payload(), 'foo')) }, `{"message":"No mandatory 'iss' in claims"}`),
  },
  {
    name: "jwt: an empty key claim is 401 Invalid 'iss' in claims",
    run: async (t) => expectRefusal(t, { host: 'jwt1', headers: bearer(await sign(payload({ iss: '' }), 'foo')) }, `{"message":"Invalid 'iss' in claims"}`),
  },
  {
    name: "jwt: an iss no credential has is 401 No credentials found for given 'iss'",
    run: async (t) =>
      expectRefusal(
        t,
        { host: 'jwt1', headers: bearer(await sign(payload({ iss: '123456789' }), C.hs256.secret)) },
        `{"message":"No credentials found for given 'iss'"}`,
      ),
  },
  {
    name: 'jwt: a wrong signature is 401 Invalid signature',
    run: async (t) => expectRefusal(t, { host: 'jwt1', headers: bearer(await sign(payload({ iss: C.hs256.key }), 'foo')) }, '{"message":"Invalid signature"}'),
  },
  {
    name: "jwt: a header alg other than the credential's is 401 Invalid algorithm",
    async run(t) {
      const token = await signAs({ typ: 'JWT', alg: 'RS256' }, payload({ iss: C.hs256.key }), C.hs256.secret)
      await expectRefusal(t, { host: 'jwt1', headers: bearer(token) }, '{"message":"Invalid algorithm"}')
    },
  },
  {
    name: 'jwt: run_on_preflight false lets OPTIONS through without a token',
    async run(t) {
      const response = await send(t, { host: 'jwt8', method: 'OPTIONS' })
      t.equal(response.status, 200, 'status')
      await response.body?.cancel()
    },
  },
  {
    name: 'jwt: run_on_preflight true (default) refuses OPTIONS without a token',
    run: (t) => expectRefusal(t, { host: 'jwt1', method: 'OPTIONS' }, '{"message":"Unauthorized"}', 'Bearer'),
  },
  {
    name: 'jwt: an exp past maximum_expiration is 401 {"exp":"exceeds maximum allowed expiration"}',
    async run(t) {
      const token = await sign(payload({ iss: C.hs256.key, exp: Math.floor(Date.now() / 1000) + 350 }), C.hs256.secret)
      await expectRefusal(t, { host: 'jwt11', path: `/request?jwt=${token}` }, '{"exp":"exceeds maximum allowed expiration"}')
    },
  },
  {
    name: 'jwt: an exp within maximum_expiration is accepted',
    async run(t) {
      const token = await sign(payload({ iss: C.hs256.key, exp: Math.floor(Date.now() / 1000) + 270 }), C.hs256.secret)
      expectConsumer(t, await upstreamHeaders(t, { host: 'jwt11', path: `/request?jwt=${token}` }), 'jwt_tests_consumer', C.hs256.key)
    },
  },
  {
    name: 'jwt: two different tokens (query and header) are 401 Multiple tokens provided',
    async run(t) {
      const token = await sign(payload({ iss: C.hs256.key }), C.hs256.secret)
      await expectRefusal(t, { host: 'jwt1', path: `/request?jwt=${token}`, headers: bearer('invalid.jwt.token') }, '{"message":"Multiple tokens provided"}')
    },
  },
  {
    name: 'jwt: the same token twice counts once',
    async run(t) {
      const token = await sign(payload({ iss: C.hs256.key }), C.hs256.secret)
      expectConsumer(t, await upstreamHeaders(t, { host: 'jwt1', path: `/request?jwt=${token}`, headers: bearer(token) }), 'jwt_tests_consumer', C.hs256.key)
    },
  },
  {
    name: 'jwt: a query argument without a value is 401 Unrecognizable token (Kong reads it as true)',
    run: (t) => expectRefusal(t, { host: 'jwt1', path: '/request?jwt' }, '{"message":"Unrecognizable token"}'),
  },
]

const hs256: Case[] = [
  {
    name: 'jwt HS256: a verified token goes on with the consumer headers; forged X-Consumer-* are replaced',
    async run(t) {
      const token = await sign(payload({ iss: C.hs256.key }), C.hs256.secret)
      const headers = await upstreamHeaders(t, {
        host: 'jwt1',
        headers: { ...bearer(token), 'x-consumer-username': 'forged', 'x-anonymous-consumer': 'true', 'x-credential-identifier': 'forged' },
      })
      t.equal(headers.authorization, `Bearer ${token}`, 'Authorization')
      expectConsumer(t, headers, 'jwt_tests_consumer', C.hs256.key)
    },
  },
  {
    name: 'jwt HS256: the key may be in the header (key_claim_name kid)',
    async run(t) {
      const token = await sign(payload(), C.kid.secret, 'HS256', { typ: 'JWT', alg: 'HS256', kid: C.kid.key })
      expectConsumer(t, await upstreamHeaders(t, { host: 'jwt10', headers: bearer(token) }), 'jwt_tests_consumer_6', C.kid.key)
    },
  },
  {
    name: 'jwt HS256: the key in another claim (key_claim_name aud)',
    async run(t) {
      const token = await sign(payload({ aud: C.hs256.key }), C.hs256.secret)
      expectConsumer(t, await upstreamHeaders(t, { host: 'jwt4', headers: bearer(token) }), 'jwt_tests_consumer', C.hs256.key)
    },
  },
  {
    name: 'jwt HS256: secret_is_base64 verifies with the decoded secret',
    async run(t) {
      const token = await sign(payload({ iss: C.base64.key }), C.base64.secret)
      expectConsumer(t, await upstreamHeaders(t, { host: 'jwt5', headers: bearer(token) }), 'jwt_tests_base64_consumer', C.base64.key)
    },
  },
  ...['crumble', 'silly'].map(
    (cookie): Case => ({
      name: `jwt HS256: the token in the cookie ${cookie}`,
      async run(t) {
        const token = await sign(payload({ iss: C.hs256.key }), C.hs256.secret)
        const headers = await upstreamHeaders(t, { host: 'jwt9', headers: { cookie: `${cookie}=${token}; path=/;domain=.jwt9.test` } })
        expectConsumer(t, headers, 'jwt_tests_consumer', C.hs256.key)
      },
    }),
  ),
  {
    name: "jwt HS256: a cookie's token with no credential: 401 with the realm in WWW-Authenticate",
    async run(t) {
      const token = await sign(payload({ iss: 'incorrect-issuer' }), C.hs256.secret)
      await expectRefusal(
        t,
        { host: 'jwt9', headers: { cookie: `silly=${token}; path=/;domain=.jwt9.test` } },
        `{"message":"No credentials found for given 'iss'"}`,
        'Bearer realm="test-jwt", error="invalid_token"',
      )
    },
  },
  {
    name: 'jwt HS256: a corrupted token in a cookie is 401 Bad token; invalid JSON',
    async run(t) {
      const token = `no-way-this-works${await sign(payload({ iss: C.hs256.key }), C.hs256.secret)}`
      await expectRefusal(
        t,
        { host: 'jwt9', headers: { cookie: `silly=${token}; path=/;domain=.jwt9.test` } },
        '{"message":"Bad token; invalid JSON"}',
        'Bearer realm="test-jwt", error="invalid_token"',
      )
    },
  },
  {
    name: 'jwt HS256: with cookie_names, the Authorization header is still read; none at all: Bearer realm',
    async run(t) {
      const token = await sign(payload({ iss: C.hs256.key }), C.hs256.secret)
      expectConsumer(t, await upstreamHeaders(t, { host: 'jwt9', headers: bearer(token) }), 'jwt_tests_consumer', C.hs256.key)
      await expectRefusal(t, { host: 'jwt9' }, '{"message":"Unauthorized"}', 'Bearer realm="test-jwt"')
    },
  },
  {
    name: 'jwt HS256: the token in a custom header (header_names CustomAuthorization)',
    async run(t) {
      const token = await sign(payload({ iss: C.hs256.key }), C.hs256.secret)
      expectConsumer(t, await upstreamHeaders(t, { host: 'jwt12', headers: { customauthorization: `Bearer ${token}` } }), 'jwt_tests_consumer', C.hs256.key)
    },
  },
  {
    name: 'jwt HS256: a repeated custom header: the token of its first line',
    skipIn: ['workerd'],
    async run(t) {
      const token = await sign(payload({ iss: C.hs256.key }), C.hs256.secret)
      const head = `GET /request HTTP/1.1\r\nHost: jwt12.jwt.test\r\nCustomAuthorization: Bearer ${token}\r\nCustomAuthorization: Bearer other-token`
      const answer = await t.raw!(head)
      t.equal(answer.status, 200, answer.body)
      expectConsumer(t, JSON.parse(JSON.parse(answer.body).body).request_headers, 'jwt_tests_consumer', C.hs256.key)
    },
  },
  ...[
    ['jwt1', 'jwt'],
    ['jwt2', 'token'],
  ].map(
    ([host, name]): Case => ({
      name: `jwt HS256: the token in the query argument ${name}`,
      async run(t) {
        const token = await sign(payload({ iss: C.hs256.key }), C.hs256.secret)
        expectConsumer(t, await upstreamHeaders(t, { host, path: `/request/?${name}=${token}` }), 'jwt_tests_consumer', C.hs256.key)
      },
    }),
  ),
]

const algorithms: Case[] = [
  algorithmCase('RS256', RSA_PRIVATE_KEY, C.rs256, 'jwt_tests_rsa_consumer_1'),
  algorithmCase('RS256', RSA_PRIVATE_KEY, C.rs256Other, 'jwt_tests_rsa_consumer_2'),
  {
    name: 'jwt RS256: secret_is_base64 does not touch public keys',
    async run(t) {
      const token = await sign(payload({ iss: C.rs256Other.key }), RSA_PRIVATE_KEY, 'RS256')
      expectConsumer(t, await upstreamHeaders(t, { host: 'jwt5', headers: bearer(token) }), 'jwt_tests_rsa_consumer_2', C.rs256Other.key)
    },
  },
  algorithmCase('RS384', RSA_PRIVATE_KEY, C.rs384, 'jwt_tests_rsa_consumer_9'),
  algorithmCase('RS512', RSA_PRIVATE_KEY, C.rs512, 'jwt_tests_rsa_consumer_5'),
  algorithmCase('ES256', ES256_PRIVATE_KEY, C.es256, 'jwt_tests_es256_consumer'),
  algorithmCase('ES384', ES384_PRIVATE_KEY, C.es384, 'jwt_tests_rsa_consumer_10'),
  algorithmCase('ES512', ES512_PRIVATE_KEY, C.es512, 'jwt_tests_rsa_consumer_11'),
  algorithmCase('PS256', RSA_PRIVATE_KEY, C.ps256, 'jwt_tests_rsa_consumer_12'),
  algorithmCase('PS384', RSA_PRIVATE_KEY, C.ps384, 'jwt_tests_rsa_consumer_13'),
  algorithmCase('PS512', RSA_PRIVATE_KEY, C.ps512, 'jwt_tests_rsa_consumer_14'),
  algorithmCase('EdDSA', ED25519_PRIVATE_KEY, C.eddsa, 'jwt_tests_rsa_consumer_15'),
  algorithmCase('HS384', C.hs384.secret, C.hs384, 'jwt_tests_hs_consumer_7'),
  algorithmCase('HS512', C.hs512.secret, C.hs512, 'jwt_tests_hs_consumer_8'),
  {
    name: 'jwt: keys jose does not verify with (Ed448, RSA under 2048 bits) are 401 Invalid key/secret, logged (Kong verifies them)',
    async run(t) {
      const ed448 = await signAs({ typ: 'JWT', alg: 'EdDSA' }, payload({ iss: C.ed448.key }), 'not-an-ed448-signature')
      await expectRefusal(t, { host: 'jwt1', headers: bearer(ed448) }, '{"message":"Invalid key/secret"}')
      const rsa1024 = await signAs({ typ: 'JWT', alg: 'RS256' }, payload({ iss: C.rsa1024.key }), 'not-an-rsa-signature')
      await expectRefusal(t, { host: 'jwt1', headers: bearer(rsa1024) }, '{"message":"Invalid key/secret"}')
    },
  },
]

const claims: Case[] = [
  {
    name: 'jwt claims: the claims to verify must be numbers: 401 with both problems',
    async run(t) {
      const token = await sign({ iss: C.hs256.key }, C.hs256.secret)
      const response = await send(t, { host: 'jwt3', path: `/request/?jwt=${token}` })
      t.equal([response.status, await json(response)], [401, { nbf: 'must be a number', exp: 'must be a number' }], 'answer')
      t.equal(response.headers.get('www-authenticate'), 'Bearer error="invalid_token"', 'WWW-Authenticate')
    },
  },
  {
    name: 'jwt claims: an exp past is 401 {"exp":"token expired"}',
    async run(t) {
      const now = Math.floor(Date.now() / 1000)
      const token = await sign({ iss: C.hs256.key, exp: now - 10, nbf: now - 10 }, C.hs256.secret)
      await expectRefusal(t, { host: 'jwt3', path: `/request/?jwt=${token}` }, '{"exp":"token expired"}')
    },
  },
  {
    name: 'jwt claims: an nbf to come is 401 {"nbf":"token not valid yet"}',
    async run(t) {
      const now = Math.floor(Date.now() / 1000)
      const token = await sign({ iss: C.hs256.key, exp: now + 20, nbf: now + 10 }, C.hs256.secret)
      await expectRefusal(t, { host: 'jwt3', path: `/request/?jwt=${token}` }, '{"nbf":"token not valid yet"}')
    },
  },
]

const anonymous: Case[] = [
  {
    name: 'jwt anonymous: a valid token is still its consumer',
    async run(t) {
      const token = await sign(payload({ iss: C.hs256.key }), C.hs256.secret)
      expectConsumer(t, await upstreamHeaders(t, { host: 'jwt6', headers: bearer(token) }), 'jwt_tests_consumer', C.hs256.key)
    },
  },
  ...['jwt6', 'jwt13'].map(
    (host): Case => ({
      name: `jwt anonymous: without a token, the anonymous consumer (${host === 'jwt6' ? 'by id' : 'by username'})`,
      async run(t) {
        const headers = await upstreamHeaders(t, { host, headers: { 'x-credential-identifier': 'forged' } })
        t.equal(
          [
            headers['x-anonymous-consumer'],
            headers['x-consumer-username'],
            headers['x-consumer-id'],
            headers['x-consumer-custom-id'],
            headers['x-credential-identifier'],
          ],
          ['true', 'no-body', JWT_ANONYMOUS_ID, 'anonymous-custom-id', undefined],
          'anonymous consumer headers',
        )
      },
    }),
  ),
  {
    name: 'jwt anonymous: a bad token is the anonymous consumer too',
    async run(t) {
      const token = await sign(payload({ iss: C.hs256.key }), 'wrong')
      t.equal((await upstreamHeaders(t, { host: 'jwt6', headers: bearer(token) }))['x-anonymous-consumer'], 'true', 'anonymous')
    },
  },
]

export const jwtCases: Case[] = [...refusals, ...hs256, ...algorithms, ...claims, ...anonymous]
