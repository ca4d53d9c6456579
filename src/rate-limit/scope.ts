// What names a rate-limit counter besides its identifier and window: the route and service the
// plugin is configured on, as Kong's `conf.route_id` and `conf.service_id` (a nil UUID for
// neither), so that a service's plugin counts its routes together and a global one counts all.

import type { GatewayRoute, GatewayService } from '../model/declarative.ts'
import { declarativeId } from '../model/entity-id.ts'

const NIL_UUID = '00000000-0000-0000-0000-000000000000'

/**
 * `route_id:service_id` for counter keys. Ids must be the same on every instance that loads the
 * file: an entity without id or name (whose model id is random) is named by its place in the file.
 */
export function scopeKey(scope: { route?: GatewayRoute; service?: GatewayService }): string {
  const { route, service } = scope
  const routeId = route ? (route.id ?? (route.name === undefined ? route.path : declarativeId('routes', route.name))) : NIL_UUID
  return `${routeId}:${service ? serviceKey(service) : NIL_UUID}`
}

/** A service's id as counters name it (limit_by service, scope). */
export function serviceKey(service: GatewayService): string {
  return service.name === undefined ? service.label : service.id
}
