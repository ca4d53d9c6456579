// Routing: regex paths on a linear-time engine, paths matched in
// Kong's normalised form and passed on in it, absolute-form targets routed by their host.
// The routes are the `redos.test`, `normalize*.test` and `absolute.test` block of gateway-config.ts.

import { type Case, type E2E, json } from './harness.ts'

/** Kong's 404: its message, with the request id of the answer (`kong.response.error`). */
function expectNoRoute(t: E2E, body: Record<string, unknown>, what: string) {
  t.equal(body.message, 'no Route matched with those values', what)
  t.ok(/^[0-9a-f]{32}$/.test(String(body.request_id)), `${what}: request_id`)
}

/** What the echo function got: the payload the gateway built. */
async function payloadFor(t: E2E, request: Parameters<E2E['send']>[0]): Promise<Record<string, any>> {
  const response = await t.send(request)
  t.equal(response.status, 200, 'status')
  return JSON.parse((await json(response)).body)
}

export const routingCases: Case[] = [
  {
    name: 'a regex path that backtracks exponentially, ~/re/(a+)+$, is matched in linear time: a 4000-character adversarial path is a prompt 404',
    async run(t) {
      t.equal((await t.send({ host: 'redos.test', path: '/re/aaaa' })).status, 200, 'matching path')
      // 2^4000 steps for a backtracking engine: with one, this answer would never come.
      const adversarial = await t.send({ host: 'redos.test', path: `/re/${'a'.repeat(4000)}b` })
      t.equal(adversarial.status, 404, 'adversarial path')
      expectNoRoute(t, await json(adversarial), 'no route')
      t.equal((await t.send({ host: 'redos.test', path: '/re/aa' })).status, 200, 'the next request')
    },
  },
  {
    name: 'percent-encoded unreserved characters are decoded and slashes merged before matching; request_uri is that path',
    async run(t) {
      const payload = await payloadFor(t, { host: 'normalize.test', path: '/%61dmin/%7Eme//x%2Fy?q=%61' })
      t.equal(payload.request_uri, '/admin/~me/x%2Fy?q=%61', 'request_uri')
      t.equal(payload.request_uri_args, { q: 'a' }, 'request_uri_args')
    },
  },
  {
    name: 'API Gateway 1.0: path, requestContext.path and path parameters are the normalised path',
    async run(t) {
      const event = await payloadFor(t, { host: 'normalize-apigw1.test', path: '/%61dmin/j%6Fhn%20d%C3%B8e' })
      t.equal(event.path, '/admin/john døe', 'path')
      t.equal(event.requestContext.path, '/admin/john døe', 'requestContext.path')
      t.equal(event.pathParameters, { user: 'john døe' }, 'pathParameters')
      t.equal(event.resource, '/admin/{user}', 'resource')
    },
  },
  {
    name: 'API Gateway 2.0: rawPath is the normalised path after strip_path; %2F stays encoded',
    async run(t) {
      const event = await payloadFor(t, { host: 'normalize-apigw2.test', path: '/adm%69n%2fx%2Fy' })
      t.equal(event.rawPath, '/%2Fx%2Fy', 'rawPath')
      t.equal(event.requestContext.http.path, '/%2Fx%2Fy', 'requestContext.http.path')
    },
  },
  {
    name: 'a path whose decoded bytes are not UTF-8 matches no route (as in Kong 3)',
    async run(t) {
      const response = await t.send({ host: 'normalize.test', path: '/admin/%FF' })
      t.equal(response.status, 404, 'status')
      expectNoRoute(t, await json(response), 'body')
    },
  },
  {
    name: 'an absolute-form target is routed by its own host, not Host (RFC 9112 §3.2.2) — Node and Deno only: a test cannot send an absolute-form target into workerd, whose request URL is the one the request was made with',
    skipIn: ['workerd'],
    async run(t) {
      const raw = t.raw!
      const routed = await raw('GET http://absolute.test/x?y=1 HTTP/1.1\r\nHost: lambda1.test')
      t.equal(routed.status, 200, 'routed by the target')
      t.equal(JSON.parse(JSON.parse(routed.body).body).request_uri, '/x?y=1', 'request_uri')
      const ignored = await raw('GET http://nowhere.test/x HTTP/1.1\r\nHost: absolute.test')
      t.equal(ignored.status, 404, 'Host ignored')
      expectNoRoute(t, JSON.parse(ignored.body), 'no route')
      const event = await raw('GET http://normalize-apigw2.test/admin/x HTTP/1.1\r\nHost: lambda1.test')
      t.equal(event.status, 200, 'API Gateway route')
      t.equal(JSON.parse(JSON.parse(event.body).body).requestContext.domainName, 'normalize-apigw2.test', 'domainName is the target host')
    },
  },
  {
    name: 'two Host lines route to neither host (404, or the HTTP layer refuses them with 400) — Node and Deno only: a test cannot send two Host lines into workerd',
    skipIn: ['workerd'],
    async run(t) {
      const answer = await t.raw!('GET /x HTTP/1.1\r\nHost: absolute.test\r\nHost: lambda1.test')
      t.ok(answer.status === 404 || answer.status === 400, `status ${answer.status}`)
    },
  },
]
