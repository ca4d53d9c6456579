// The declarative file's own keys, Kong's and decK's, and its format versions. Kong 3 reads
// `_format_version` 1.1 and 2.1 files by migrating them first: each route path that is not a
// plain one becomes a regex path (Kong 3 marks those with `~`), and plain paths are normalised
// (https://github.com/Kong/kong/blob/master/kong/db/declarative/migrations/route_path.lua,
// kong/db/migrations/migrate_path_280_300.lua).

import { normalizePath } from '../router/normalize-path.ts'
import type { Schema } from './schema.ts'
import { isPlainObject, joinPath } from './validate.ts'

const names = { type: 'array', elements: { type: 'string' } } as const
const anything = { type: 'any' } as const

/** The keys of a file besides its entity lists. */
export const documentSchema = {
  /** "3.0"; "1.1" and "2.1" files are migrated as Kong 3 migrates them. */
  _format_version: { type: 'string', required: true, oneOf: ['1.1', '2.1', '3.0'] },
  /** `false`: basic-auth passwords in the file are already hashed as Kong hashes them (as in a file Kong exported). */
  _transform: {
    type: 'boolean',
    default: true,
  },
  /** A comment; ignored. */
  _comment: { type: 'string', ignored: true },
  /** Anything; ignored. */
  _ignore: { type: 'array', elements: { type: 'any' }, ignored: true },
  /** decK's workspace: the file is the gateway's one workspace; no effect. */
  _workspace: { type: 'string', ignored: true },
  /** decK's Konnect control plane; no effect. */
  _konnect: {
    type: 'record',
    ignored: true,
    fields: {
      runtime_group_name: { type: 'string' },
      control_plane_name: { type: 'string' },
    },
  },
  /** decK's file information. */
  _info: {
    type: 'record',
    fields: {
      /** decK manages only the entities with these tags in a shared Kong; the file is served whole, so no effect. */
      select_tags: names,
      /** decK looks entities of other files up by these tags; every reference must be in this file, so no effect. */
      default_lookup_tags: {
        type: 'record',
        fields: {
          consumer_groups: names,
          consumers: names,
          routes: names,
          services: names,
        },
      },
      /** Field values decK fills in where an entity has none (as `deck file render` does). */
      defaults: {
        type: 'record',
        fields: { service: anything, route: anything, upstream: anything, target: anything },
      },
    },
  },
} as const satisfies Schema

/** What migrating a 1.1 or 2.1 file changed: each path, before and after. */
export interface PathMigration {
  path: string
  from: string
  to: string
}

/** The document with its route paths as Kong 3 reads a 1.1 or 2.1 file (top-level routes and those of top-level services). */
export function migrateRoutePaths(document: Record<string, unknown>): { document: Record<string, unknown>; migrated: PathMigration[] } {
  const migrated: PathMigration[] = []
  const routes = (list: unknown, path: string): unknown =>
    Array.isArray(list)
      ? list.map((route, i) => {
          const routePath = joinPath(path, i)
          if (!isPlainObject(route) || !Array.isArray(route.paths)) return route
          const paths = route.paths.map((value, j) => {
            if (typeof value !== 'string') return value
            const to = migratePath(value)
            if (to !== value) migrated.push({ path: joinPath(joinPath(routePath, 'paths'), j), from: value, to })
            return to
          })
          return { ...route, paths }
        })
      : list
  const services = Array.isArray(document.services)
    ? document.services.map((service, i) =>
        isPlainObject(service) ? { ...service, routes: routes(service.routes, joinPath(joinPath('services', i), 'routes')) } : service,
      )
    : document.services
  const result = { ...document, routes: routes(document.routes, 'routes'), services, _format_version: '3.0' }
  for (const key of ['routes', 'services'] as const) if (document[key] === undefined) delete result[key]
  return { document: result, migrated }
}

/** Kong's migrate_path: a path of only unreserved characters, `/` and `%` is a prefix (normalised); any other is a regex. */
function migratePath(path: string): string {
  if (/^[a-zA-Z0-9.\-_~/%]*$/.test(path)) return normalizePath(path) ?? path
  return `~${path.includes('%') ? decodeForRegex(path) : path}`
}

/** RFC 3986's reserved characters stay encoded (upper-cased); regex metacharacters are decoded escaped. */
const RESERVED = new Set([..."!#$%&'()*+,/:;=?@[]"].map((char) => char.charCodeAt(0)))
const META: Record<number, string> = { 46: '\\.', 94: '\\^', 45: '\\-', 123: '\\{', 125: '\\}', 92: '\\\\', 124: '\\|' }

function decodeForRegex(regex: string): string {
  const bytes: number[] = []
  const encoder = new TextEncoder()
  for (const part of regex.split(/(%[0-9A-Fa-f]{2})/)) {
    if (!/^%[0-9A-Fa-f]{2}$/.test(part)) {
      bytes.push(...encoder.encode(part))
      continue
    }
    const code = Number.parseInt(part.slice(1), 16)
    const text = RESERVED.has(code) ? part.toUpperCase() : META[code]
    if (text === undefined) bytes.push(code)
    else bytes.push(...encoder.encode(text))
  }
  return new TextDecoder().decode(new Uint8Array(bytes))
}
