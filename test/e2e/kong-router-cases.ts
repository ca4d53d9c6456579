// Kong's router (traditional_compatible), end to end on every runtime: a representative set of
// the cases of Kong's router spec (test/router/kong-router-spec.test.ts has them all as unit
// tests) over real HTTP, with the route that answered read from the request's log line. The
// routes are the router.test block of gateway-config.ts.

import { type Case, type ClientRequest, type E2E, json, withLogs } from './harness.ts'

/** The status and the route the request's log line names. */
async function routed(t: E2E, request: ClientRequest & { host?: string }): Promise<{ status: number; route: string | null; response: Response }> {
  const [response, logged] = await withLogs(t, () => t.send(request))
  const line = logged
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
    .find((l) => l.msg === 'request')
  return { status: response.status, route: line?.route ?? null, response }
}

async function routeOf(t: E2E, host: string, path: string, extra: Omit<ClientRequest, 'path'> = {}): Promise<string | null> {
  const { status, route } = await routed(t, { host, path, ...extra })
  t.equal(status, route === null ? 404 : 200, `status for ${host}${path}`)
  return route
}

export const kongRouterCases: Case[] = [
  {
    name: "Kong's router: [uri prefix] does not supersede another route with a longer [uri]",
    async run(t) {
      t.equal(await routeOf(t, 'prefix.router.test', '/my-route/hello'), 'router-prefix-long')
      t.equal(await routeOf(t, 'prefix.router.test', '/my-route/hello/world'), 'router-prefix-long')
      t.equal(await routeOf(t, 'prefix.router.test', '/my-route'), 'router-prefix-short')
      t.equal(await routeOf(t, 'prefix.router.test', '/my-route/world'), 'router-prefix-short')
      t.equal(await routeOf(t, 'prefix.router.test', '/something/my-route'), null, 'prefixes are anchored')
    },
  },
  {
    name: "Kong's router: matches a [uri regex] even if a [uri] got an exact match",
    async run(t) {
      t.equal(await routeOf(t, 'regex.router.test', '/route/fixture'), 'router-regex')
    },
  },
  {
    name: "Kong's router: a route with more fields ([method]) is tried first; a method it lacks passes to the next",
    async run(t) {
      t.equal(await routeOf(t, 'method.router.test', '/m', { method: 'POST', body: '{}' }), 'router-method-post')
      t.equal(await routeOf(t, 'method.router.test', '/m'), 'router-method-any')
    },
  },
  {
    name: "Kong's router: [headers] — more header names first, names and values case-insensitive, `~*` regexes, a fallback without headers",
    async run(t) {
      const host = 'headers.router.test'
      t.equal(await routeOf(t, host, '/', { headers: { Location: 'MY-LOCATION-1', Version: 'V2' } }), 'router-headers-two')
      t.equal(await routeOf(t, host, '/', { headers: { location: 'my-location-1', version: 'v3' } }), 'router-headers-one')
      t.equal(await routeOf(t, host, '/', { headers: { location: 'my-location-2' } }), 'router-headers-one')
      const linux = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/83.0.4103.116 Safari/537.36'
      t.equal(await routeOf(t, host, '/', { headers: { 'user-agent': linux } }), 'router-headers-regex')
      t.equal(await routeOf(t, host, '/', { headers: { location: 'elsewhere', 'user-agent': 'curl/8' } }), 'router-headers-none')
    },
  },
  {
    name: "Kong's router: a header sent on two lines matches by either line, as nginx hands them to Kong — Node only: Deno and Workers get fetch's headers, the lines joined with `, `",
    skipIn: ['workerd', 'deno'],
    async run(t) {
      const answer = await t.raw!('GET / HTTP/1.1\r\nHost: headers.router.test\r\nLocation: my-location-3\r\nLocation: my-location-2')
      t.equal(answer.status, 200, 'status')
    },
  },
  {
    name: "Kong's router: [wildcard host] leftmost and rightmost, and a plain host before them",
    async run(t) {
      t.equal(await routeOf(t, 'foo.wild.router.test', '/'), 'router-wild-left')
      t.equal(await routeOf(t, 'a.b.wild.router.test', '/'), 'router-wild-left')
      t.equal(await routeOf(t, 'wild.router.org', '/'), 'router-wild-right')
      t.equal(await routeOf(t, 'plain.wild.router.test', '/'), 'router-wild-plain')
    },
  },
  {
    name: "Kong's router: [host] with a port matches that port (the request's, 80 when it names none)",
    async run(t) {
      t.equal(await routeOf(t, 'port.router.test', '/'), 'router-port')
      t.equal(await routeOf(t, 'port.router.test:80', '/'), 'router-port')
      t.equal(await routeOf(t, 'port.router.test:8080', '/'), null)
    },
  },
  {
    name: "Kong's router: the path a function sees is Kong's upstream path — the service's path, then what strip_path leaves",
    async run(t) {
      const eventPath = async (path: string) => {
        const response = await t.send({ host: 'path.router.test', path })
        t.equal(response.status, 200, `status for ${path}`)
        return JSON.parse((await json(response)).body).path
      }
      t.equal(await eventPath('/strip/users/7'), '/base/users/7')
      t.equal(await eventPath('/strip'), '/base')
      t.equal(await eventPath('/strip/'), '/base/')
      t.equal(await eventPath('/stripped'), '/base/ped')
      t.equal(await eventPath('/keep/x'), '/base/keep/x')
    },
  },
  {
    name: "Kong's router: an http request on an https-only route is answered 426 `Please use HTTPS protocol`, or its https_redirect_status_code with a Location, before any plugin runs",
    async run(t) {
      const before = (await t.invocations()).length
      const upgrade = await routed(t, { host: 'https.router.test', path: '/x?y=1' })
      t.equal(upgrade.status, 426, 'status')
      t.equal(upgrade.route, 'router-https-426', 'route')
      // kong.response.error: with the request's id.
      t.equal(await json(upgrade.response), { message: 'Please use HTTPS protocol', request_id: upgrade.response.headers.get('x-request-id') }, 'body')
      t.equal(upgrade.response.headers.get('upgrade'), 'TLS/1.2, HTTP/1.1', 'Upgrade')
      const redirect = await routed(t, { host: 'redirect.router.test:8443', path: '/a/%62?q=%61' })
      t.equal(redirect.status, 308, 'status')
      t.equal(
        redirect.response.headers.get('location'),
        'https://redirect.router.test/a/%62?q=%61',
        'location: the host without its port, the path and query as sent',
      )
      t.equal(await redirect.response.text(), '', 'no body')
      t.equal((await t.invocations()).length, before, 'no function invoked')
    },
  },
  {
    name: "Kong's router: the header count is OR-ed into regex_priority as Kong computes it (Kong/kong#14457): with one header, regex_priority 1 outranks 2",
    async run(t) {
      const headers = { 'environment-region': 'production-us' }
      t.equal(await routeOf(t, 'webhook.router.test', '/webhook/foo/bar', { headers }), 'router-webhook-generic')
      t.equal(await routeOf(t, 'webhook-plain.router.test', '/webhook/foo/bar'), 'router-webhook-plain-specific')
    },
  },
  {
    name: "Kong's router: equal priorities go to the larger route id, not to the file's order",
    async run(t) {
      t.equal(await routeOf(t, 'tie.router.test', '/x'), 'router-tie-b')
    },
  },
  {
    name: "Kong's router: a regex path is `^` and the expression as written, so `~/a|/b` finds `/b` anywhere",
    async run(t) {
      t.equal(await routeOf(t, 'alt.router.test', '/x/b'), 'router-alternation')
      t.equal(await routeOf(t, 'alt.router.test', '/x/a'), null)
    },
  },
]
