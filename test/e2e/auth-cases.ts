// key-auth and basic-auth end to end, on every runtime: the HTTP cases of Kong's access specs
// (spec/03-plugins/09-key-auth/02-access_spec.lua, spec/03-plugins/10-basic-auth/03-access_spec.lua)
// and Kong's "logical OR" recipe. Kong's specs read what the upstream got from an echo server;
// here the echo function's payload shows it (headers, query, body after hide_credentials). The
// routes are the key-auth/basic-auth block of test/support/gateway-config.ts. Not ported: gRPC,
// keys that expire (refused at load), the cache and Admin API cases, and an anonymous consumer that
// does not exist (refused at load: test/plugins/key-auth/, test/plugins/basic-auth/).

import { AUTH_IDS, AUTH_SECRETS as S } from '../support/gateway-config.ts'
import { type Case, type ClientRequest, type E2E, FORM, json, utf8Header } from './harness.ts'
import { payloadFor } from './plugins-b-cases.ts'

type Request = ClientRequest & { host: string }

const JSON_TYPE = 'application/json'
const MULTIPART = 'multipart/form-data'
const BOUNDARY = 'auth-cases-boundary'

const on = (host: string, path = '/request', headers: Record<string, string> = {}, method = 'GET'): Request => ({
  host: `${host}.keyauth.test`,
  path,
  headers,
  method,
})

/** A body of text fields in one of the three types Kong reads (`type`; the multipart boundary added). */
function withBody(request: Request, type: string, fields: Record<string, string | string[]>): Request {
  let body: string
  let contentType = type
  if (type === JSON_TYPE) body = JSON.stringify(fields)
  else if (type === MULTIPART) {
    contentType = `${MULTIPART}; boundary=${BOUNDARY}`
    const parts = Object.entries(fields).flatMap(([name, value]) =>
      [value].flat().map((one) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${one}\r\n`),
    )
    body = `${parts.join('')}--${BOUNDARY}--\r\n`
  } else body = new URLSearchParams(Object.entries(fields).flatMap(([name, value]) => [value].flat().map((one) => [name, one]))).toString()
  return { ...request, method: 'POST', body, headers: { ...request.headers, 'content-type': contentType } }
}

const basic = (credentials: string) => `Basic ${btoa(credentials)}`

/** A 401 of an authentication plugin: Kong's `kong.response.error` body and the challenge. */
async function expectUnauthorized(t: E2E, request: Request, message: string, challenge: string | null): Promise<void> {
  const response = await t.send(request)
  t.equal(response.status, 401, `status of ${request.host}${request.path}`)
  const body = await json(response)
  t.equal(body.message, message, 'message')
  t.ok(typeof body.request_id === 'string' && body.request_id.length > 0, 'request_id')
  if (challenge !== null) t.equal(response.headers.get('www-authenticate'), challenge, 'WWW-Authenticate')
}

async function expectStatus(t: E2E, request: Request, status: number): Promise<void> {
  const response = await t.send(request)
  t.equal(response.status, status, `status of ${request.host}${request.path}`)
  await response.arrayBuffer()
}

/** The consumer headers the function got. */
async function consumerOf(t: E2E, request: Request) {
  const headers = (await payloadFor(t, request)).request_headers as Record<string, string | undefined>
  return {
    id: headers['x-consumer-id'],
    username: headers['x-consumer-username'],
    credential: headers['x-credential-identifier'],
    anonymous: headers['x-anonymous-consumer'],
  }
}

const BODY_TYPES = [FORM, JSON_TYPE, MULTIPART]

const keyAuthCases: Case[] = [
  {
    name: 'key-auth: OPTIONS passes without a key with run_on_preflight false, and is refused with it true',
    async run(t) {
      await expectStatus(t, on('key-auth7', '/request', {}, 'OPTIONS'), 200)
      await expectUnauthorized(t, on('key-auth1', '/request', {}, 'OPTIONS'), 'No API key found in request', 'Key')
    },
  },
  {
    name: 'key-auth: no key, an empty key header, a query argument without a value: 401 No API key found (WWW-Authenticate Key, or with the realm)',
    async run(t) {
      await expectUnauthorized(t, on('key-auth1'), 'No API key found in request', 'Key')
      await expectUnauthorized(t, on('key-auth1', '/request', { apikey: '' }), 'No API key found in request', 'Key')
      await expectUnauthorized(t, on('key-auth2', '/request', { apikey: '' }), 'No API key found in request', 'Key realm="test-realm"')
      await expectUnauthorized(t, on('key-auth1', '/request?apikey'), 'No API key found in request', 'Key')
    },
  },
  {
    name: 'key-auth: a key in the query or a header; an unknown key is 401 Unauthorized; a key sent twice in the query is a duplicate',
    async run(t) {
      await expectStatus(t, on('key-auth1', `/request?apikey=${S.bobKey}`), 200)
      await expectStatus(t, on('key-auth1', '/request', { apikey: S.bobKey }), 200)
      await expectUnauthorized(t, on('key-auth1', '/request?apikey=123'), 'Unauthorized', 'Key')
      await expectUnauthorized(t, on('key-auth1', '/request', { apikey: '123' }), 'Unauthorized', 'Key')
      await expectUnauthorized(t, on('key-auth1', `/request?apikey=${S.bobKey}&apikey=${S.bobKey}`), 'Duplicate API key found', 'Key')
    },
  },
  ...BODY_TYPES.map(
    (type): Case => ({
      name: `key-auth: key_in_body, ${type}: the key in the body, or in the query or a header beside a body; an unknown key in the body is 401`,
      async run(t) {
        await expectStatus(t, withBody(on('key-auth5'), type, { apikey: S.bobKey }), 200)
        await expectStatus(t, withBody(on('key-auth5', `/request?apikey=${S.bobKey}`), type, { non_apikey: 'x' }), 200)
        await expectStatus(t, withBody(on('key-auth5', '/request', { apikey: S.bobKey }), type, { non_apikey: 'x' }), 200)
        await expectUnauthorized(t, withBody(on('key-auth5'), type, { apikey: '123' }), 'Unauthorized', 'Key')
      },
    }),
  ),
  {
    name: 'key-auth: key_in_body: a key twice in a JSON or form body is a duplicate; apikey[] and apikey[1] are no key',
    async run(t) {
      await expectUnauthorized(t, withBody(on('key-auth5'), JSON_TYPE, { apikey: [S.bobKey, S.bobKey] }), 'Duplicate API key found', 'Key')
      await expectUnauthorized(
        t,
        { ...on('key-auth5'), method: 'POST', body: `apikey=${S.bobKey}&apikey=${S.bobKey}`, headers: { 'content-type': FORM } },
        'Duplicate API key found',
        'Key',
      )
      for (const name of ['apikey[]', 'apikey[1]']) {
        const body = `${name}=${S.bobKey}&${name}=${S.bobKey}`
        await expectUnauthorized(t, { ...on('key-auth5'), method: 'POST', body, headers: { 'content-type': FORM } }, 'No API key found in request', 'Key')
      }
    },
  },
  {
    name: 'key-auth: a key header sent on two lines is a duplicate (Node, where header lines stay apart)',
    skipIn: ['workerd', 'deno'],
    async run(t) {
      const head = `GET /request HTTP/1.1\r\nHost: key-auth1.keyauth.test\r\napikey: ${S.bobKey}\r\napikey: ${S.bobKey}`
      const answer = await t.raw!(head)
      t.equal(answer.status, 401, 'status')
      t.equal(JSON.parse(answer.body).message, 'Duplicate API key found', 'message')
    },
  },
  {
    name: 'key-auth: key_names with an underscore find the header written with _ or -',
    async run(t) {
      await expectStatus(t, on('key-auth8', '/request', { api_key: S.bobKey }), 200)
      await expectStatus(t, on('key-auth8', '/request', { 'api-key': S.bobKey }), 200)
      await expectUnauthorized(t, on('key-auth8', '/request', { api_key: '123' }), 'Unauthorized', 'Key')
      await expectUnauthorized(t, on('key-auth8', '/request', { 'api-key': '123' }), 'Unauthorized', 'Key')
    },
  },
  {
    name: 'key-auth: a key and a consumer name beyond Latin-1, as Kong takes them (UTF-8 bytes): the key matches from a header as from the query, and the function gets the name as text',
    async run(t) {
      const lei = { id: AUTH_IDS.lei, username: '李雷', credential: AUTH_IDS.leiKey, anonymous: undefined }
      t.equal(await consumerOf(t, on('key-auth1', '/request', { apikey: utf8Header(S.leiKey) })), lei, 'by header')
      t.equal(await consumerOf(t, on('key-auth1', `/request?apikey=${encodeURIComponent(S.leiKey)}`)), lei, 'by query')
    },
  },
  {
    name: "key-auth: the function gets the consumer's headers, X-Credential-Identifier the credential's id; a client's own are replaced",
    async run(t) {
      const consumer = await consumerOf(t, on('key-auth1', `/request?apikey=${S.bobKey}`, { 'x-consumer-username': 'forged', 'x-anonymous-consumer': 'true' }))
      t.equal(consumer, { id: AUTH_IDS.bob, username: 'bob', credential: AUTH_IDS.bobKey, anonymous: undefined }, 'consumer headers')
    },
  },
  {
    name: 'key-auth: hide_credentials false sends the key on (query, header); true removes it',
    async run(t) {
      t.equal((await payloadFor(t, on('key-auth1', `/request?apikey=${S.bobKey}`))).request_uri_args.apikey, S.bobKey, 'kept in the query')
      t.equal((await payloadFor(t, on('key-auth2', `/request?apikey=${S.bobKey}`))).request_uri_args.apikey, undefined, 'removed from the query')
      t.equal((await payloadFor(t, on('key-auth1', '/request', { apikey: S.bobKey }))).request_headers.apikey, S.bobKey, 'kept in the headers')
      t.equal((await payloadFor(t, on('key-auth2', '/request', { apikey: S.bobKey }))).request_headers.apikey, undefined, 'removed from the headers')
    },
  },
  ...BODY_TYPES.map(
    (type): Case => ({
      name: `key-auth: hide_credentials with key_in_body, ${type}: false sends the key on, true removes it and keeps the other fields and the type`,
      async run(t) {
        const kept = await payloadFor(t, withBody(on('key-auth5'), type, { apikey: S.bobKey }))
        t.equal(kept.request_body_args.apikey, S.bobKey, 'kept in the body')
        const hidden = await payloadFor(t, withBody(on('key-auth6'), type, { apikey: S.bobKey, foo: 'bar' }))
        t.equal(hidden.request_body_args, { foo: 'bar' }, 'the body without the key')
        t.ok(hidden.request_headers['content-type'].startsWith(type), 'the Content-Type')
        t.equal(Number(hidden.request_headers['content-length']), new TextEncoder().encode(hidden.request_body).byteLength, 'Content-Length')
      },
    }),
  ),
  {
    name: 'key-auth: key_in_body with a type Kong does not read: no key',
    async run(t) {
      await expectUnauthorized(
        t,
        { ...on('key-auth6'), method: 'POST', body: 'foobar', headers: { 'content-type': 'text/plain' } },
        'No API key found in request',
        'Key',
      )
    },
  },
  {
    name: 'key-auth: the query keeps its order, without the key when hidden (its other arguments decoded and encoded again)',
    async run(t) {
      const kept = await payloadFor(t, on('key-auth1', `/request?c=value1&b=value2&apikey=${S.bobKey}&a=value3`))
      t.equal(kept.request_uri, `/request?c=value1&b=value2&apikey=${S.bobKey}&a=value3`, 'kept')
      const hidden = await payloadFor(t, on('key-auth2', `/request?c=value1&b=value2&apikey=${S.bobKey}&a=value3`))
      t.equal(hidden.request_uri, '/request?c=value1&b=value2&a=value3', 'removed')
      const encoded = await payloadFor(t, on('key-auth2', `/request?c=valu%651&b=value2&api%6B%65%79=${S.bobKey}&a=valu%653`))
      t.equal(encoded.request_uri, '/request?c=value1&b=value2&a=value3', 'removed, encoded')
    },
  },
  {
    name: 'key-auth: anonymous (by id or username): a key is its consumer, no key the anonymous consumer',
    async run(t) {
      t.equal(
        await consumerOf(t, on('key-auth3', `/request?apikey=${S.bobKey}`)),
        { id: AUTH_IDS.bob, username: 'bob', credential: AUTH_IDS.bobKey, anonymous: undefined },
        'with a key',
      )
      t.equal(await consumerOf(t, on('key-auth3')), { id: AUTH_IDS.noBody, username: 'no-body-keyauth', credential: undefined, anonymous: 'true' }, 'without')
      t.equal(
        await consumerOf(t, on('key-auth10', '/request?apikey=wrong')),
        { id: AUTH_IDS.noBody, username: 'no-body-keyauth', credential: undefined, anonymous: 'true' },
        'by username',
      )
    },
  },
]

/** Kong's table of key_in_header/key_in_query/key_in_body combinations: the header, query and body key, the route's flags, the status. */
const COMBINATIONS: Record<string, string> = {
  // header query body (r: right, w: wrong, n: none) → the status on ttt ttf tff fff fft tft ftf
  rrr: '2220222',
  rrw: '2220022',
  rww: '2220020',
  www: '0000000',
  wwr: '0000200',
  rwr: '2220220',
  wrw: '0000002',
  nnn: '0000000',
  nnw: '0000000',
  nww: '0000000',
  wwn: '0000000',
  nwn: '0000000',
  wnw: '0000000',
  rrn: '2220022',
  rnn: '2220020',
  nnr: '2000220',
  rnr: '2220220',
  nrn: '2200002',
  nrw: '2200002',
  rwn: '2220020',
  rnw: '2220020',
  nwr: '0000220',
  wrn: '0000002',
  wnr: '0000200',
}
const FLAGS = ['ttt', 'ttf', 'tff', 'fff', 'fft', 'tft', 'ftf']

const combinationCases: Case[] = FLAGS.map((flags, column) => ({
  name: `key-auth: key_in_header/query/body ${flags}: Kong's 24 combinations of a right, wrong or no key in each place`,
  async run(t) {
    const key = (code: string) => (code === 'r' ? S.rightKey : 'wrong')
    for (const [input, statuses] of Object.entries(COMBINATIONS)) {
      const [header, query, body] = input
      const response = await t.send({
        host: `${flags}.combo.keyauth.test`,
        method: 'POST',
        path: query === 'n' ? '/request' : `/request?apikey=${key(query)}`,
        headers: { 'content-type': FORM, ...(header === 'n' ? {} : { apikey: key(header) }) },
        body: body === 'n' ? '' : `apikey=${key(body)}`,
      })
      const expected = statuses[column] === '2' ? 200 : 401
      t.equal(response.status, expected, `${input} on ${flags}`)
      if (expected === 401) t.equal(response.headers.get('www-authenticate'), 'Key', `${input} on ${flags}: WWW-Authenticate`)
      await response.arrayBuffer()
    }
  },
}))

const basicAuthCases: Case[] = [
  {
    name: 'basic-auth: no credentials: 401 Unauthorized with the realm (configured, or the default "service")',
    async run(t) {
      await expectUnauthorized(t, on('basic-auth1'), 'Unauthorized', 'Basic realm="test-realm"')
      await expectUnauthorized(t, on('basic-auth2'), 'Unauthorized', 'Basic realm="service"')
    },
  },
  {
    name: 'basic-auth: not Basic, a password or username alone, base64 that decodes to something else: 401 Unauthorized',
    async run(t) {
      const challenge = 'Basic realm="test-realm"'
      await expectUnauthorized(t, on('basic-auth1', '/request', { authorization: 'foobar' }), 'Unauthorized', challenge)
      await expectUnauthorized(t, on('basic-auth1', '/request', { 'proxy-authorization': 'foobar' }), 'Unauthorized', challenge)
      await expectUnauthorized(t, on('basic-auth1', '/request', { authorization: `Basic ${btoa(S.bobPassword)}` }), 'Unauthorized', challenge)
      await expectUnauthorized(t, on('basic-auth1', '/request', { authorization: 'Basic Ym9i' }), 'Unauthorized', challenge)
      await expectUnauthorized(t, on('basic-auth1', '/request', { authorization: `Basic a${btoa(`user123:${S.user123Password}`)}` }), 'Unauthorized', challenge)
      await expectUnauthorized(t, on('basic-auth1', '/request', { authorization: basic('bob:wrong') }), 'Unauthorized', challenge)
    },
  },
  {
    name: "basic-auth: valid credentials in Authorization or Proxy-Authorization (a password may hold ':'); X-Credential-Identifier is the username",
    async run(t) {
      t.equal(
        await consumerOf(t, on('basic-auth1', '/request', { authorization: basic(`bob:${S.bobPassword}`) })),
        { id: AUTH_IDS.bob, username: 'bob', credential: 'bob', anonymous: undefined },
        'bob',
      )
      t.equal((await consumerOf(t, on('basic-auth1', '/request', { authorization: basic(`user123:${S.user123Password}`) }))).credential, 'user123', 'user123')
      t.equal(
        (await consumerOf(t, on('basic-auth1', '/request', { authorization: basic(`user321:${S.user321Password}`) }))).credential,
        'user321',
        "a password with ':'",
      )
      t.equal(
        (await consumerOf(t, on('basic-auth1', '/request', { 'proxy-authorization': basic(`bob:${S.bobPassword}`) }))).username,
        'bob',
        'Proxy-Authorization',
      )
    },
  },
  {
    name: "basic-auth: Proxy-Authorization first; Authorization only when it names no known username (Kong's order), each read one hidden",
    async run(t) {
      const valid = basic(`bob:${S.bobPassword}`)
      await expectUnauthorized(
        t,
        on('basic-auth1', '/request', { 'proxy-authorization': basic('user123:wrong'), authorization: valid }),
        'Unauthorized',
        'Basic realm="test-realm"',
      )
      t.equal(
        (await consumerOf(t, on('basic-auth1', '/request', { 'proxy-authorization': basic('nobody:x'), authorization: valid }))).credential,
        'bob',
        'fallen back',
      )
      const both = (await payloadFor(t, on('basic-auth2', '/request', { 'proxy-authorization': basic('nobody:x'), authorization: valid }))).request_headers
      t.equal([both['proxy-authorization'], both.authorization], [undefined, undefined], 'both read, both hidden')
      const first = (await payloadFor(t, on('basic-auth2', '/request', { 'proxy-authorization': valid, authorization: 'Basic other' }))).request_headers
      t.equal([first['proxy-authorization'], first.authorization], [undefined, 'Basic other'], 'Authorization not read, kept')
    },
  },
  {
    name: 'basic-auth: hide_credentials false sends Authorization on, true removes it',
    async run(t) {
      const authorization = basic(`bob:${S.bobPassword}`)
      t.equal((await payloadFor(t, on('basic-auth1', '/request', { authorization }))).request_headers.authorization, authorization, 'kept')
      t.equal((await payloadFor(t, on('basic-auth2', '/request', { authorization }))).request_headers.authorization, undefined, 'removed')
    },
  },
  {
    name: 'basic-auth: anonymous (by id or username): credentials are their consumer, none the anonymous consumer',
    async run(t) {
      t.equal(
        await consumerOf(t, on('basic-auth3', '/request', { authorization: basic(`user123:${S.user123Password}`) })),
        { id: AUTH_IDS.bob, username: 'bob', credential: 'user123', anonymous: undefined },
        'with credentials',
      )
      t.equal(await consumerOf(t, on('basic-auth3')), { id: AUTH_IDS.noBody, username: 'no-body-keyauth', credential: undefined, anonymous: 'true' }, 'without')
      t.equal(
        await consumerOf(t, on('basic-auth5')),
        { id: AUTH_IDS.noBody, username: 'no-body-keyauth', credential: undefined, anonymous: 'true' },
        'by username',
      )
    },
  },
]

const MICKEY = { apikey: S.mouseKey }
const ALADDIN = { authorization: basic(`Aladdin:${S.aladdinPassword}`) }

const combinedCases: Case[] = [
  {
    name: 'key-auth and basic-auth without anonymous (logical AND): both credentials pass; either alone, or none, is 401 from the plugin that failed',
    async run(t) {
      const both = await consumerOf(t, on('logical-and', '/request', { ...MICKEY, ...ALADDIN }))
      t.ok(both.id === AUTH_IDS.mickey || both.id === AUTH_IDS.aladdin, `the consumer: ${both.id}`)
      t.equal(both.anonymous, undefined, 'not anonymous')
      await expectUnauthorized(t, on('logical-and', '/request', MICKEY), 'Unauthorized', 'Basic realm="service"')
      await expectUnauthorized(t, on('logical-and', '/request', ALADDIN), 'No API key found in request', 'Key')
      await expectUnauthorized(t, on('logical-and'), 'No API key found in request', 'Key')
    },
  },
  {
    name: 'key-auth and basic-auth with anonymous (logical OR): either credential is its consumer, none the anonymous consumer',
    async run(t) {
      t.equal((await consumerOf(t, on('logical-or', '/request', { ...MICKEY, ...ALADDIN }))).id, AUTH_IDS.mickey, 'both: key-auth runs first')
      t.equal(
        await consumerOf(t, on('logical-or', '/request', MICKEY)),
        { id: AUTH_IDS.mickey, username: 'Mickey', credential: AUTH_IDS.mouseKey, anonymous: undefined },
        'the key',
      )
      t.equal(
        await consumerOf(t, on('logical-or', '/request', ALADDIN)),
        { id: AUTH_IDS.aladdin, username: 'Aladdin', credential: 'Aladdin', anonymous: undefined },
        'the password',
      )
      t.equal(await consumerOf(t, on('logical-or')), { id: AUTH_IDS.anonymous, username: 'Anonymous', credential: undefined, anonymous: 'true' }, 'none')
    },
  },
  {
    name: "Kong's logical OR recipe: with request-termination on the anonymous consumer, a request without a valid credential is its 401; either credential passes",
    async run(t) {
      for (const headers of [{}, { apikey: 'wrong' }, { authorization: basic('Aladdin:wrong') }] as Record<string, string>[]) {
        const response = await t.send(on('or-termination', '/request', headers))
        t.equal(response.status, 401, `status with ${Object.keys(headers).join() || 'none'}`)
        t.equal(await response.text(), '{"message":"Unauthorized"}', "request-termination's answer")
        t.equal(response.headers.get('www-authenticate'), null, 'no challenge')
      }
      // Past authentication, the route has no function: the gateway's 503.
      for (const headers of [MICKEY, ALADDIN]) {
        const response = await t.send(on('or-termination', '/request', headers))
        t.equal(response.status, 503, `status with ${Object.keys(headers).join()}`)
        t.equal((await json(response)).message, 'no Service found with those values', 'message')
      }
    },
  },
]

export const authCases: Case[] = [...keyAuthCases, ...combinationCases, ...basicAuthCases, ...combinedCases]
