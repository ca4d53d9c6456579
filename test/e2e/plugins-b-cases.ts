// correlation-id, request-transformer and response-transformer end to end, on every runtime:
// the cases of Kong's access specs (spec/03-plugins/11-correlation-id/01-access_spec.lua,
// 36-request-transformer/02-access_spec.lua, 15-response-transformer/04-filter_spec.lua and
// 05-big_response_body_spec.lua). Kong's specs put the plugins in front of an upstream that
// echoes the request; here the echo function shows the payload or event it got, which carries
// what the plugins changed. The routes are the plugins-b block of test/support/gateway-config.ts.

import { eventFor } from './api-gateway-cases.ts'
import { type Case, type ClientRequest, type E2E, FORM, json, post, postJson, withLogs } from './harness.ts'

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
const UUID_PATTERN = new RegExp(`^${UUID}$`)
const UUID_COUNTER_PATTERN = new RegExp(`^(${UUID})#(\\d+)$`)
const GENERIC_ERROR = 'An unexpected error occurred'

type Request = ClientRequest & { host?: string }

/** The payload the echo function got for `request` (the forward payload unless the route says otherwise). */
export async function payloadFor(t: E2E, request: Request): Promise<Record<string, any>> {
  const response = await t.send(request)
  t.equal(response.status, 200, `status of ${request.host}${request.path}`)
  return JSON.parse((await json(response)).body)
}

/** The request headers the echo function got (forward payload). */
async function headersFor(t: E2E, request: Request): Promise<Record<string, string>> {
  return (await payloadFor(t, request)).request_headers
}

const get = (host: string, path = '/request', headers: Record<string, string> = {}): Request => ({ host, path, headers })

/** A multipart/form-data body of text fields. */
function multipart(host: string, fields: Record<string, string>): Request {
  const boundary = 'plugins-b-boundary'
  const parts = Object.entries(fields).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
  return post(host, `${parts.join('')}--${boundary}--\r\n`, `multipart/form-data; boundary=${boundary}`, '/request')
}

/** The body's exact size is what Content-Length says. */
async function expectExactLength(t: E2E, response: Response): Promise<string> {
  const text = await response.text()
  t.equal(response.headers.get('content-length'), String(new TextEncoder().encode(text).byteLength), 'Content-Length')
  return text
}

const correlationIdCases: Case[] = [
  {
    name: 'correlation-id: uuid#counter (the default, without a config) increments the counter part; the function gets the id',
    async run(t) {
      const first = UUID_COUNTER_PATTERN.exec((await headersFor(t, get('correlation1.test')))['kong-request-id'])
      const second = UUID_COUNTER_PATTERN.exec((await headersFor(t, get('correlation1.test')))['kong-request-id'])
      t.ok(first && second, `uuid#counter ids: ${first?.[0]}, ${second?.[0]}`)
      t.equal(second![1], first![1], "the instance's uuid")
      t.equal(Number(second![2]), Number(first![2]) + 1, 'the counter')
    },
  },
  {
    name: 'correlation-id: the uuid generator makes a unique UUID for every request',
    async run(t) {
      const id1 = (await headersFor(t, get('correlation3.test')))['kong-request-id']
      const id2 = (await headersFor(t, get('correlation3.test')))['kong-request-id']
      t.ok(UUID_PATTERN.test(id1) && UUID_PATTERN.test(id2), `uuids ${id1}, ${id2}`)
      t.ok(id1 !== id2, 'unique')
    },
  },
  {
    name: "correlation-id: the tracker generator makes a unique id in Kong's format (host, port, instance, serial, 1, seconds.ms)",
    async run(t) {
      const tracker = /^correlation-tracker\.test-\d+-\d+-\d+-1-\d{10}\.\d{3}$/
      const id1 = (await headersFor(t, get('correlation-tracker.test')))['kong-request-id']
      const id2 = (await headersFor(t, get('correlation-tracker.test')))['kong-request-id']
      t.ok(tracker.test(id1) && tracker.test(id2), `tracker ids ${id1}, ${id2}`)
      t.ok(id1 !== id2, 'unique')
    },
  },
  {
    name: 'correlation-id: echo_downstream sends the id the function got back to the client',
    async run(t) {
      const response = await t.send(get('correlation3.test'))
      const upstream = JSON.parse((await json(response)).body).request_headers['kong-request-id']
      t.ok(UUID_PATTERN.test(upstream), `upstream id ${upstream}`)
      t.equal(response.headers.get('kong-request-id'), upstream, 'downstream id')
    },
  },
  {
    name: 'correlation-id: echo_downstream sends the id back even when the function times out or the Invoke API fails',
    async run(t) {
      const answers = { 'correlation-timeout.test': GENERIC_ERROR, 'correlation-error.test': 'Upstream Lambda invocation failed' }
      for (const [host, message] of Object.entries(answers)) {
        const response = await t.send(get(host))
        t.equal(response.status, 500, `${host} status`)
        t.equal((await json(response)).message, message, `${host} message`)
        t.ok(UUID_PATTERN.test(response.headers.get('kong-request-id') ?? ''), `${host} kong-request-id`)
      }
    },
  },
  {
    name: 'correlation-id: no id back to the client unless asked; a custom header name',
    async run(t) {
      const response = await t.send(get('correlation2.test'))
      const headers = JSON.parse((await json(response)).body).request_headers
      t.equal(response.headers.get('kong-request-id'), null, 'no kong-request-id')
      t.equal(response.headers.get('foo-bar-id'), null, 'no foo-bar-id')
      t.ok(UUID_COUNTER_PATTERN.test(headers['foo-bar-id']), `foo-bar-id ${headers['foo-bar-id']}`)
      t.equal(headers['kong-request-id'], undefined, 'no kong-request-id for the function')
    },
  },
  {
    name: 'correlation-id: an existing header is kept; an empty one, or one of spaces only, is replaced',
    async run(t) {
      t.equal((await headersFor(t, get('correlation2.test', '/request', { 'Foo-Bar-Id': 'foobar' })))['foo-bar-id'], 'foobar', 'kept')
      for (const sent of ['', ' ']) {
        const id = (await headersFor(t, get('correlation2.test', '/request', { 'Foo-Bar-Id': sent })))['foo-bar-id']
        t.ok(UUID_COUNTER_PATTERN.test(id), `${JSON.stringify(sent)} replaced by ${id}`)
      }
    },
  },
  {
    name: "correlation-id: echo_downstream on the gateway's own answer (a route without a service: 503), generated or as sent",
    async run(t) {
      const response = await t.send(get('correlation5.test'))
      t.equal(response.status, 503, 'status')
      t.ok(UUID_PATTERN.test(response.headers.get('kong-request-id') ?? ''), 'generated id')
      const sent = await t.send(get('correlation5.test', '/request', { 'kong-request-id': 'my very personal id' }))
      t.equal(sent.headers.get('kong-request-id'), 'my very personal id', 'echoed id')
    },
  },
  {
    name: "correlation-id: the request's log line carries the correlation id (Kong's log serializer)",
    async run(t) {
      const [response, logged] = await withLogs(t, () => t.send(get('correlation1.test', '/', { 'Kong-Request-ID': '1234' })))
      t.equal(response.status, 200, 'status')
      const line = logged.split('\n').find((l) => l.includes('"msg":"request"') && l.includes('"route":"correlation1.test"'))
      t.equal(line && JSON.parse(line).correlation_id, '1234', 'correlation_id')
    },
  },
  {
    name: 'correlation-id: API Gateway 1.0 and 2.0 events carry the id among their headers',
    async run(t) {
      const v1 = await eventFor(t, get('correlation-apigw1.test', '/x', { 'x-other': 'kept' }))
      t.ok(UUID_COUNTER_PATTERN.test(v1.headers['kong-request-id']), `1.0 headers ${v1.headers['kong-request-id']}`)
      t.equal(v1.multiValueHeaders['kong-request-id'], [v1.headers['kong-request-id']], '1.0 multiValueHeaders')
      t.equal(v1.headers['x-other'], 'kept', 'other headers kept')
      const v2 = await eventFor(t, get('correlation-apigw2.test', '/x?a=1&a=2'))
      t.ok(UUID_COUNTER_PATTERN.test(v2.headers['kong-request-id']), `2.0 headers ${v2.headers['kong-request-id']}`)
      t.equal(v2.rawQueryString, 'a=1&a=2', 'the query as sent')
    },
  },
]

const requestTransformerCases: Case[] = [
  {
    name: 'request-transformer http method: GET to POST (the query kept); POST to GET with a form body (its arguments join the query)',
    async run(t) {
      const toPost = await payloadFor(t, get('rt7.test', '/request?hello=world&name=marco'))
      t.equal(toPost.request_method, 'POST', 'GET → POST')
      t.equal(toPost.request_uri_args, { hello: 'world', name: 'marco' }, 'query kept')
      const toGet = await payloadFor(t, post('rt8.test', 'name=marco', FORM, '/request?hello=world'))
      t.equal(toGet.request_method, 'GET', 'POST → GET')
      t.equal(toGet.request_uri_args, { hello: 'world', name: 'marco' }, 'form arguments in the query')
    },
  },
  {
    name: 'request-transformer http method: GET to POST adds a JSON body (and its Content-Type, Content-Length)',
    async run(t) {
      const payload = await payloadFor(t, get('rt20.test'))
      t.equal(payload.request_method, 'POST', 'method')
      t.equal(payload.request_headers['content-type'], 'application/json', 'Content-Type')
      t.equal(payload.request_body, '{"body":"somecontent"}', 'body')
      t.equal(payload.request_body_args, { body: 'somecontent' }, 'body args')
      t.equal(payload.request_headers['content-length'], '22', 'Content-Length')
    },
  },
  {
    name: 'request-transformer remove: a header; form, JSON and multipart parameters; a query argument',
    async run(t) {
      const headers = await headersFor(t, get('rt4.test', '/request', { 'x-to-remove': 'true', 'x-another-header': 'true' }))
      t.equal(headers['x-to-remove'], undefined, 'header removed')
      t.equal(headers['x-another-header'], 'true', 'other header kept')
      const form = await payloadFor(t, post('rt4.test', 'toremoveform=yes&nottoremove=yes', FORM, '/request'))
      t.equal(form.request_body_args, { nottoremove: 'yes' }, 'form')
      const body = await payloadFor(t, { ...postJson('rt4.test', { toremoveform: 'yes', nottoremove: 'yes' }), path: '/request' })
      t.equal(body.request_body_args, { nottoremove: 'yes' }, 'JSON')
      t.equal(body.request_headers['content-length'], String(body.request_body.length), 'Content-Length follows the body')
      const parts = await payloadFor(t, multipart('rt4.test', { toremoveform: 'yes', nottoremove: 'yes' }))
      t.equal(parts.request_body_args, { nottoremove: 'yes' }, 'multipart')
      const query = await payloadFor(t, get('rt4.test', '/request?q1=v1&q2=v2'))
      t.equal(query.request_uri_args, { q2: 'v2' }, 'query')
    },
  },
  {
    name: 'request-transformer remove: a malformed JSON body is left alone, an empty JSON object stays `{}`, empty arrays stay arrays',
    async run(t) {
      const malformed = await payloadFor(t, post('rt4.test', 'malformed json body', 'application/json', '/request'))
      t.equal(malformed.request_body, 'malformed json body', 'malformed body')
      const empty = await payloadFor(t, post('rt4.test', '{}', 'application/json', '/request'))
      t.equal(empty.request_body, '{}', 'empty object')
      t.equal(empty.request_headers['content-length'], '2', 'Content-Length')
      const array = await payloadFor(t, post('rt4.test', '{"emptyarray":[]}', 'application/json', '/request'))
      t.equal(array.request_body, '{"emptyarray":[]}', 'empty array')
      const none = await payloadFor(t, post('rt4.test', '', undefined, '/request'))
      t.equal(none.request_headers['content-length'], '0', 'an empty body without a type is not touched')
    },
  },
  {
    name: 'request-transformer rename: a header (over one already there, not when absent), form, JSON, multipart parameters, a query argument',
    async run(t) {
      const headers = await headersFor(t, get('rt9.test', '/request', { 'x-to-rename': 'true', 'x-another-header': 'true' }))
      t.equal([headers['x-to-rename'], headers['x-is-renamed'], headers['x-another-header']], [undefined, 'true', 'true'], 'renamed')
      const absent = await headersFor(t, get('rt9.test', '/request', { 'x-a-header': 'true' }))
      t.equal([absent['x-is-renamed'], absent['x-a-header']], [undefined, 'true'], 'nothing to rename')
      const over = await headersFor(t, get('rt9.test', '/request', { 'x-to-rename': 'new-result', 'X-Is-Renamed': 'old-result' }))
      t.equal([over['x-to-rename'], over['x-is-renamed']], [undefined, 'new-result'], 'over an existing header')
      t.equal((await payloadFor(t, post('rt9.test', 'originalparam=yes', FORM, '/request'))).request_body_args, { renamedparam: 'yes' }, 'form')
      t.equal((await payloadFor(t, post('rt9.test', 'x-a-header=true', FORM, '/request'))).request_body_args, { 'x-a-header': 'true' }, 'form, absent')
      const body = await payloadFor(t, { ...postJson('rt9.test', { originalparam: 'yes', nottorename: 'yes' }), path: '/request' })
      t.equal(body.request_body_args, { nottorename: 'yes', renamedparam: 'yes' }, 'JSON')
      t.equal(
        (await payloadFor(t, multipart('rt9.test', { originalparam: 'yes', nottorename: 'yes' }))).request_body_args,
        { nottorename: 'yes', renamedparam: 'yes' },
        'multipart',
      )
      const query = await payloadFor(t, get('rt9.test', '/request?originalparam=true&nottorename=true'))
      t.equal(query.request_uri_args, { nottorename: 'true', renamedparam: 'true' }, 'query')
    },
  },
  {
    name: 'request-transformer rename: a change of case only, or onto the same name, keeps the header; a rename onto an argument there does not override it with nothing',
    async run(t) {
      const payload = await payloadFor(t, get('rt-rename.test', '/request?exist=true', { rename: 'true', identical: 'true' }))
      t.equal([payload.request_headers.rename, payload.request_headers.identical], ['true', 'true'], 'headers')
      t.equal(payload.request_uri_args, { exist: 'true' }, 'query')
    },
  },
  {
    name: 'request-transformer replace: only what is there — a header, form, JSON and multipart parameters, a query argument',
    async run(t) {
      const headers = await headersFor(t, get('rt5.test', '/request', { h1: 'V', h2: 'v2' }))
      t.equal([headers.h1, headers.h2], ['v1', 'v2'], 'header replaced')
      t.equal((await headersFor(t, get('rt5.test', '/request', { h2: 'v2' }))).h1, undefined, 'header not added')
      t.equal((await payloadFor(t, post('rt5.test', 'p1=v&p2=v1', FORM, '/request'))).request_body_args, { p1: 'v1', p2: 'v1' }, 'form')
      t.equal((await payloadFor(t, post('rt5.test', 'p2=v1', FORM, '/request'))).request_body_args, { p2: 'v1' }, 'form, absent')
      t.equal((await payloadFor(t, { ...postJson('rt5.test', { p1: 'v', p2: 'v1' }), path: '/request' })).request_body_args, { p1: 'v1', p2: 'v1' }, 'JSON')
      t.equal((await payloadFor(t, { ...postJson('rt5.test', { p2: 'v1' }), path: '/request' })).request_body_args, { p2: 'v1' }, 'JSON, absent')
      t.equal((await payloadFor(t, multipart('rt5.test', { p1: 'v', p2: 'v1' }))).request_body_args, { p2: 'v1', p1: 'v1' }, 'multipart')
      t.equal((await payloadFor(t, multipart('rt5.test', { p2: 'v1' }))).request_body_args, { p2: 'v1' }, 'multipart, absent')
      const query = await payloadFor(t, post('rt5.test', 'hello=world', FORM, '/request?q1=v&q2=v2'))
      t.equal(query.request_uri_args, { q1: 'v1', q2: 'v2' }, 'query')
      t.equal((await payloadFor(t, post('rt5.test', 'hello=world', FORM, '/request?q2=v2'))).request_uri_args, { q2: 'v2' }, 'query, absent')
    },
  },
  {
    name: 'request-transformer add: only what is absent — headers (a value with a colon), form, JSON and multipart parameters, a query argument; never Host',
    async run(t) {
      const headers = await headersFor(t, get('rt1.test'))
      t.equal([headers.h1, headers.h2], ['v1', 'value:2'], 'headers added')
      t.equal((await headersFor(t, get('rt1.test', '/request', { h1: 'v3' }))).h1, 'v3', 'header there kept')
      t.equal((await payloadFor(t, post('rt1.test', 'hello=world', FORM, '/request'))).request_body_args, { hello: 'world', p1: 'v1' }, 'form')
      const kept = await payloadFor(t, post('rt1.test', 'p1=should+not+change&hello=world', FORM, '/request'))
      t.equal(kept.request_body_args, { p1: 'should not change', hello: 'world' }, 'form, there')
      t.equal((await payloadFor(t, { ...postJson('rt1.test', { hello: 'world' }), path: '/request' })).request_body_args, { hello: 'world', p1: 'v1' }, 'JSON')
      t.equal(
        (await payloadFor(t, post('rt1.test', 'malformed json body', 'application/json', '/request'))).request_body,
        'malformed json body',
        'malformed JSON',
      )
      t.equal((await payloadFor(t, multipart('rt1.test', {}))).request_body_args, { p1: 'v1' }, 'multipart')
      t.equal(
        (await payloadFor(t, multipart('rt1.test', { p1: 'this should not change' }))).request_body_args,
        { p1: 'this should not change' },
        'multipart, there',
      )
      t.equal((await payloadFor(t, get('rt1.test', '/request?q2=v2'))).request_uri_args, { q1: 'v1', q2: 'v2' }, 'query')
      t.equal((await payloadFor(t, get('rt1.test', '/request?q1=v2'))).request_uri_args, { q1: 'v2' }, 'query, there')
      t.equal((await headersFor(t, get('rt2.test'))).host, 'rt2.test', 'Host not changed')
    },
  },
  {
    name: 'request-transformer append: beside the values there, or new — headers, form parameters, query arguments',
    async run(t) {
      const headers = await headersFor(t, get('rt6.test'))
      t.equal([headers.h1, headers.h2], ['v1, v2', 'v1'], 'headers (two lines, joined by fetch)')
      const query = await payloadFor(t, post('rt6.test', 'hello=world', FORM, '/request'))
      t.equal(query.request_uri_args, { q1: ['v1', 'v2'], q2: 'v1' }, 'query')
      t.equal(query.request_body_args, { hello: 'world', p1: ['v1', 'v2'], p2: 'value:1' }, 'form')
      t.equal((await payloadFor(t, post('rt6.test', 'p1=v0', FORM, '/request'))).request_body_args, { p1: ['v0', 'v1', 'v2'], p2: 'value:1' }, 'form, there')
      t.equal(
        (await payloadFor(t, multipart('rt6.test', { p1: 'This should not change' }))).request_body_args,
        { p1: 'This should not change' },
        'multipart takes no append',
      )
    },
  },
  {
    name: 'request-transformer remove, replace, add and append together (headers and query)',
    async run(t) {
      const payload = await payloadFor(
        t,
        get('rt3.test', '/request?toremovequery=yes&nottoremove=yes&toreplacequery=yes&q1=20', {
          'x-to-remove': 'true',
          'x-to-replace': 'true',
          'x-added3': 'c1',
        }),
      )
      const headers = payload.request_headers
      t.equal(headers['x-to-remove'], undefined, 'removed')
      t.equal(headers['x-to-replace'], 'false', 'replaced')
      t.equal([headers['x-added'], headers['x-added2'], headers['x-added3']], ['a1, a2, a3', 'b1', 'c1'], 'added and appended')
      t.equal(
        payload.request_uri_args,
        { nottoremove: 'yes', p1: ['anything:1', 'a2'], p2: 'b1', q1: '20', 'query-added': 'newvalue', toreplacequery: 'no' },
        'query',
      )
      const none = await headersFor(t, get('rt3.test'))
      t.equal(none['x-to-replace'], undefined, 'nothing to replace')
    },
  },
  {
    name: 'request-transformer header names without case: remove, replace, add, append',
    async run(t) {
      const headers = await headersFor(t, get('rt26.test', '/request', { 'x-to-remove': 'true', 'x-to-replace': 'true', 'x-added3': 'c1', 'X-addeD': 'a0' }))
      t.equal([headers['x-to-remove'], headers['x-to-replace']], [undefined, 'false'], 'removed, replaced')
      t.equal([headers['x-added'], headers['x-added2'], headers['x-added3']], ['a0, a2, a3', 'b1', 'c1'], 'appended to the one there, added')
      t.equal((await headersFor(t, get('rt26.test')))['x-added'], 'a1, a2, a3', "appended to add's")
    },
  },
  {
    name: 'request-transformer remove then add a header (regression test), with it or without',
    async run(t) {
      const sent = await headersFor(t, get('rt22.test', '/', { Authorization: 'Basic dGVzdDp0ZXN0', 'Content-Type': 'application/json' }))
      t.equal(sent.authorization, 'Basic test', 'replaced')
      t.equal((await headersFor(t, get('rt22.test', '/', { 'Content-Type': 'application/json' }))).authorization, 'Basic test', 'added')
    },
  },
  {
    name: 'request-transformer: query arguments are not re-encoded when the config changes none',
    async run(t) {
      t.equal((await payloadFor(t, get('rt23.test', '/request?expected=$&+,/:;?@'))).request_uri, '/request?expected=$&+,/:;?@', 'request_uri')
    },
  },
  {
    name: "request-transformer replace.uri: the function's event carries the new path",
    async run(t) {
      const event = await eventFor(t, get('rt-uri.test', '/requests/user1/foo/user2/bar'))
      t.equal([event.path, event.requestContext.path], ['/requests/user2/bar/user1/foo', '/requests/user2/bar/user1/foo'], 'path')
      t.equal(event.pathParameters, { user1: 'foo', user2: 'bar' }, 'the captures of the path matched')
    },
  },
  ...(['legacy', 'forward', 'apigw1', 'apigw2'] as const).map(
    (mode): Case => ({
      name: `request-transformer: the ${mode} payload carries every change (method, path, headers, query, body)`,
      async run(t) {
        const request = {
          ...post(`rt-${mode}.test`, 'drop=1&keep=2', FORM, '/post?drop=1&keep=q'),
          headers: { 'content-type': FORM, 'x-drop': 'yes', 'x-keep': 'yes' },
        }
        const body = 'keep=2&added=yes'
        if (mode === 'legacy') {
          t.equal(await payloadFor(t, request), { keep: '2', added: 'yes' }, 'query and body merged')
          return
        }
        if (mode === 'forward') {
          const payload = await payloadFor(t, request)
          t.equal(payload.request_method, 'PUT', 'method')
          t.equal(payload.request_uri_args, { added: 'yes', keep: 'q' }, 'query')
          t.equal(payload.request_uri, '/post?added=yes&keep=q', 'request_uri')
          t.equal(
            [payload.request_headers['x-drop'], payload.request_headers['x-keep'], payload.request_headers['x-added']],
            [undefined, 'yes', 'yes'],
            'headers',
          )
          t.equal([payload.request_body, payload.request_body_args], [body, { keep: '2', added: 'yes' }], 'body')
          t.equal(payload.request_headers['content-length'], String(body.length), 'Content-Length')
          return
        }
        const event = await eventFor(t, request)
        const v1 = mode === 'apigw1'
        t.equal(v1 ? event.httpMethod : event.requestContext.http.method, 'PUT', 'method')
        t.equal(v1 ? [event.path, event.requestContext.path] : [event.rawPath, event.requestContext.http.path], ['/replaced/path', '/replaced/path'], 'path')
        t.equal(
          v1 ? event.multiValueQueryStringParameters : event.queryStringParameters,
          v1 ? { added: ['yes'], keep: ['q'] } : { added: 'yes', keep: 'q' },
          'query',
        )
        if (!v1) t.equal(event.rawQueryString, 'added=yes&keep=q', 'rawQueryString')
        t.equal(
          [event.headers['x-drop'], event.headers['x-keep'], event.headers['x-added'], event.headers['content-length']],
          [undefined, 'yes', 'yes', String(body.length)],
          'headers',
        )
        if (v1) t.equal(event.multiValueHeaders['x-added'], ['yes'], 'multiValueHeaders')
        t.equal(atob(event.body), body, 'body')
      },
    }),
  ),
]

const responseTransformerCases: Case[] = [
  {
    name: "response-transformer: remove a JSON key and a header of the function's answer; Content-Length stays exact",
    async run(t) {
      const response = await t.send(get('response.test', '/get'))
      t.equal(response.status, 200, 'status')
      t.equal(response.headers.get('x-amzn-requestid'), null, 'header removed')
      const body = JSON.parse(await expectExactLength(t, response))
      t.equal(body.path, undefined, 'key removed')
      t.equal(body.method, 'POST', 'other keys kept')
    },
  },
  {
    name: 'response-transformer: replace JSON values (slashes and quotes written as Kong writes them)',
    async run(t) {
      const body = JSON.parse(await expectExactLength(t, await t.send(get('response2.test', '/get'))))
      t.equal([body.method, body.query, body.scheme], ['/hello/world', 'this is a / test', '"wot"'], 'replaced')
    },
  },
  {
    name: 'response-transformer: add and remove on a large answer',
    async run(t) {
      const big = JSON.stringify({ mock_json: { big_field: '*'.repeat(48 * 1024) } })
      const response = await t.send(post('response-big.test', big, 'application/json', '/post'))
      t.equal(response.status, 200, 'status')
      const body = JSON.parse(await expectExactLength(t, response))
      t.equal([body.p1, body.body], ['v1', undefined], 'added p1, removed the echoed body')
    },
  },
  {
    name: 'response-transformer: rename, add and append headers; JSON values cast by json_types',
    async run(t) {
      const response = await t.send(get('response-headers.test', '/get'))
      t.equal([response.headers.get('x-amzn-requestid'), response.headers.get('x-request-origin')], [null, 'foo'], 'renamed')
      t.equal(response.headers.get('x-added'), 'a1, a2', 'added then appended')
      const body = JSON.parse(await expectExactLength(t, response))
      t.equal([body.n, body.flag, body.text], [42, true, 'a/b'], 'typed values')
    },
  },
  {
    name: "response-transformer: the gateway's own answer (a route without a service: 503) is transformed too",
    async run(t) {
      const response = await t.send(get('response-503.test', '/'))
      t.equal(response.status, 503, 'status')
      t.equal(response.headers.get('retry-after'), '60', 'header added')
      t.equal(
        JSON.parse(await expectExactLength(t, response)),
        { message: 'no Service found with those values', request_id: response.headers.get('x-request-id'), hint: 'try later' },
        'body',
      )
    },
  },
  {
    name: 'response-transformer: a streamed JSON answer (response_streaming) is read whole and transformed, with its exact Content-Length',
    async run(t) {
      const response = await t.send(get('response-stream.test', '/'))
      t.equal(response.status, 200, 'status')
      t.equal(await expectExactLength(t, response), '{"keep":"yes"}', 'body')
    },
  },
  {
    name: 'response-transformer: a streamed JSON answer over 7 MiB is the sanitised 502, never sent untransformed',
    async run(t) {
      const [response, logged] = await withLogs(t, () => t.send(get('response-stream-flood.test', '/')))
      t.equal(response.status, 502, 'status')
      const text = await response.text()
      t.equal(JSON.parse(text).message, GENERIC_ERROR, 'body')
      t.ok(!text.includes('s3cr3t'), 'nothing of the answer')
      t.ok(logged.includes('larger than 7340032 bytes'), 'logged why')
    },
  },
]

const togetherCases: Case[] = [
  {
    name: 'correlation-id, request-transformer and response-transformer on one route, around the function',
    async run(t) {
      const response = await t.send(get('plugins-b.test'))
      t.equal(response.status, 200, 'status')
      t.equal(response.headers.get('x-transformed'), 'yes', 'answer header')
      const body = JSON.parse(await expectExactLength(t, response))
      t.equal(body.scheme, undefined, 'answer key removed')
      const headers = JSON.parse(body.body).request_headers
      t.equal(headers['x-from-transformer'], 'yes', 'request header added')
      t.equal(response.headers.get('kong-request-id'), headers['kong-request-id'], 'correlation id echoed')
    },
  },
]

/** Kong's precedence on the routes of the `precedence` service (test/support/gateway-config.ts). */
const precedenceCases: Case[] = [
  {
    name: "precedence: each plugin's most specific instance applies (route+service over route over service), whatever its name",
    async run(t) {
      const expected = [
        ['inherited.precedence.test', 'service', 'functionEcho'],
        ['route.precedence.test', 'route', 'functionEcho'],
        ['own.precedence.test', 'route+service', 'functionEchoRoute'],
      ]
      for (const [host, scope, functionName] of expected) {
        const response = await t.send(get(host))
        t.equal(response.status, 200, `${host}: status`)
        t.equal(response.headers.get('x-precedence'), scope, `${host}: the response-transformer that ran`)
        const body = await json(response)
        t.equal(body.path, `/2015-03-31/functions/${functionName}/invocations`, `${host}: the aws-lambda that ran`)
        t.equal(JSON.parse(body.body).request_headers['x-scope'], 'service', `${host}: the service's request-transformer`)
      }
    },
  },
]

export const pluginsBCases: Case[] = [...correlationIdCases, ...requestTransformerCases, ...responseTransformerCases, ...togetherCases, ...precedenceCases]
