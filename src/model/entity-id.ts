// The ids Kong gives the entities of a declarative file that have none: a UUID v5 of the entity's
// unique name (a consumer's username, a service's name …) in a namespace of its kind, so that the
// same file gives the same ids (`generate_uuid` in
// https://github.com/Kong/kong/blob/master/kong/db/schema/others/declarative_config.lua); a
// consumer's id reaches upstreams and functions (X-Consumer-ID), so it is Kong's. Built once at
// load, synchronously (src/encoding/sha1.ts says why).

import { sha1 } from '../encoding/sha1.ts'

const KONG_ENTITIES_NAMESPACE = 'fd02801f-0957-4a15-a55a-c8d9606f30b5'

/** Kong's id for an entity of `kind` (`consumers`, `services` …) whose unique name is `name`. */
export function declarativeId(kind: string, name: string): string {
  return uuidV5(uuidV5(KONG_ENTITIES_NAMESPACE, kind), name)
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))
const UTF8 = new TextEncoder()
/** Namespaces as bytes: the same few are used for every entity of a file. */
const namespaces = new Map<string, Uint8Array>()

/** RFC 9562 UUID version 5: SHA-1 of the namespace's bytes and the name's UTF-8. */
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
