// The status listener (STATUS_LISTEN, Node and Deno; Kong's `status_listen`): `/metrics` in
// Prometheus' text format and `/status`, on an address of its own so that the proxy port never
// answers them (https://docs.konghq.com/gateway/latest/reference/configuration/#status_listen).

import { jsonResponse } from '../pipeline/answers.ts'
import type { RequestHandler } from '../pipeline/exchange.ts'
import { newRequestId } from '../request-id.ts'
import type { GatewayMetrics } from './gateway-metrics.ts'

/** Prometheus' text format, version 0.0.4. */
const TEXT_FORMAT = 'text/plain; version=0.0.4; charset=utf-8'

/**
 * The status listener's handler, and the gateway's counting the requests it serves (`/status`'s
 * `server.total_requests`, as Kong's counts nginx's).
 */
export function statusListener(metrics: GatewayMetrics, gateway: RequestHandler): { gateway: RequestHandler; status: RequestHandler } {
  let total = 0
  const answer = (request: Request): Response => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return jsonResponse(405, { message: 'Method not allowed' })
    const { pathname } = new URL(request.url)
    if (pathname === '/metrics') return new Response(metrics.render(), { headers: { 'content-type': TEXT_FORMAT } })
    // Kong's DB-less /status: there is no database to lose.
    if (pathname === '/status') return jsonResponse(200, { database: { reachable: true }, server: { total_requests: total } })
    return jsonResponse(404, { message: 'Not found' })
  }
  return {
    gateway: {
      ...gateway,
      handle(request, runtime) {
        total++
        return gateway.handle(request, runtime)
      },
    },
    status: {
      // Scrapes are not logged: Prometheus asks every few seconds.
      handle: async (request) => ({ response: answer(request), requestId: newRequestId(), sent: () => undefined }),
    },
  }
}
