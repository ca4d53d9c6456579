// Routes and requests for the router's tests, written the way Kong's router spec writes them.

import { createRouter, type RoutableRoute, type RoutedRequest, type Router } from '../../src/router/router.ts'

export interface TestRoute extends RoutableRoute {
  label: string
}

/** A route with Kong's defaults for whatever `fields` leaves out. */
export function route(label: string, fields: Partial<RoutableRoute> = {}): TestRoute {
  return { label, paths: [], methods: [], headers: {}, snis: [], stripPath: true, regexPriority: 0, ...fields }
}

export interface RequestExtras {
  scheme?: string
  sni?: string
  /** Header name → value, or values sent on separate lines. */
  headers?: Record<string, string | string[]>
}

export function request(method: string, path: string, host = '', extras: RequestExtras = {}): RoutedRequest {
  const headers = new Map(Object.entries(extras.headers ?? {}).map(([name, value]) => [name.toLowerCase(), typeof value === 'string' ? [value] : value]))
  return { method, host, path, scheme: extras.scheme ?? 'http', ...(extras.sni ? { sni: extras.sni } : {}), header: (name) => headers.get(name) ?? [] }
}

/** Kong's `router:select(method, uri, host, …)`: the label of the route that matches. */
export function selector(routes: readonly TestRoute[]): (method: string, path: string, host?: string, extras?: RequestExtras) => string | undefined {
  const router: Router<TestRoute> = createRouter(routes)
  return (method, path, host, extras) => router(request(method, path, host, extras))?.route.label
}
