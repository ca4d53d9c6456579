// The ids Kong 3 breaks priority ties with. Its router keeps matchers in a tree keyed by
// (priority, route id) and tries the larger key first
// (https://github.com/Kong/atc-router/blob/main/src/router.rs), so between two routes of equal
// priority the one whose id sorts last wins. A DB-less file gives a route its `id`, or Kong
// derives one from its `name` (entity-id.ts), or, for a route with neither, draws a random one;
// a route whose paths are split by length gets one more id per part
// (https://github.com/Kong/kong/blob/master/kong/router/transform.lua).

import { declarativeId, uuidV5 } from '../model/entity-id.ts'

/** Kong's namespace for the ids of a route's parts. */
const SPLIT_ROUTES = '7f145bf9-0dce-4f91-98eb-debbce4b9f6b'

/** The id Kong's router knows a route by (lower case), or undefined where Kong would draw a random one. */
export function routeId(route: { id?: string; name?: string }): string | undefined {
  if (route.id !== undefined) return route.id.toLowerCase()
  return route.name === undefined ? undefined : declarativeId('routes', route.name)
}

/** The id of the `part`-th (from 1) part of a route whose paths Kong splits. */
export function partId(id: string, part: number): string {
  return uuidV5(SPLIT_ROUTES, `${id}#${part}`)
}
