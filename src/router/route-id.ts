// The ids Kong 3 breaks priority ties with. Its router keeps matchers in a tree keyed by
// (priority, route id) and tries the larger key first
// (https://github.com/Kong/atc-router/blob/main/src/router.rs), so between two routes of equal
// priority the one whose id sorts last wins. A DB-less file gives a route its `id`, or Kong
// derives one from its `name` (a version 5 UUID, `generate_ids` in
// https://github.com/Kong/kong/blob/master/kong/db/schema/others/declarative_config.lua), or,
// for a route with neither, a random one; a route whose paths are split by length gets one more
// id per part (https://github.com/Kong/kong/blob/master/kong/router/transform.lua).

import { sha1 } from '../encoding/sha1.ts'

/** Kong's namespace for the ids it derives from entity keys. */
const ENTITIES = 'fd02801f-0957-4a15-a55a-c8d9606f30b5'
/** Kong's namespace for the ids of a route's parts. */
const SPLIT_ROUTES = '7f145bf9-0dce-4f91-98eb-debbce4b9f6b'

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))
const UTF8 = new TextEncoder()
const namespaces = new Map<string, Uint8Array>()

const ROUTES = uuidV5(ENTITIES, 'routes')

/** The id Kong's router knows a route by (lower case), or undefined where Kong would draw a random one. */
export function routeId(route: { id?: string; name?: string }): string | undefined {
  if (route.id !== undefined) return route.id.toLowerCase()
  return route.name === undefined ? undefined : uuidV5(ROUTES, route.name)
}

/** The id of the `part`-th (from 1) part of a route whose paths Kong splits. */
export function partId(id: string, part: number): string {
  return uuidV5(SPLIT_ROUTES, `${id}#${part}`)
}

/** RFC 9562's name-based UUID with SHA-1. */
export function uuidV5(namespace: string, name: string): string {
  let space = namespaces.get(namespace)
  if (!space) {
    const hex = namespace.replaceAll('-', '')
    space = Uint8Array.from({ length: 16 }, (_, i) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16))
    namespaces.set(namespace, space)
  }
  const nameBytes = UTF8.encode(name)
  const input = new Uint8Array(16 + nameBytes.length)
  input.set(space)
  input.set(nameBytes, 16)
  const bytes = sha1(input)
  bytes[6] = (bytes[6] & 0x0f) | 0x50
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  let uuid = ''
  for (let i = 0; i < 16; i++) uuid += (i === 4 || i === 6 || i === 8 || i === 10 ? '-' : '') + HEX[bytes[i]]
  return uuid
}
