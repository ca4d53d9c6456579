// Kong's 400 answer to a declarative configuration it refuses (kong/db/errors.lua,
// `declarative_config` and `declarative_config_flattened`): the problems as a table shaped like
// the document (`fields`), the same table in Lua's notation in `message`, and with
// `?flatten_errors=1` one entry per entity at fault, with the entity as it was posted.

import { isKindName } from '../model/kinds.ts'
import { type ConfigProblem, isPlainObject, splitPath } from '../model/validate.ts'

/** Kong's error code for an invalid declarative configuration. */
const INVALID_DECLARATIVE_CONFIG = 14

type Segment = string | number

interface FlattenedError {
  entity_type: string
  entity: Record<string, unknown>
  entity_name?: unknown
  entity_id?: unknown
  entity_tags?: unknown
  errors: Array<{ field: string; message: string; type: 'field' }>
}

/** Kong's answer when the text is no declarative configuration at all (not YAML, not an object). */
export function unparsableConfigBody(reason: string): Record<string, unknown> {
  return invalidConfigBody({ error: `failed parsing declarative configuration: ${reason}` })
}

/** Kong's answer listing `problems` of `document`, flattened per entity when asked. */
export function refusedConfigBody(problems: readonly ConfigProblem[], document: unknown, flatten: boolean): Record<string, unknown> {
  if (!flatten) return invalidConfigBody(problemTable(problems))
  const entities = new Map<string, FlattenedError>()
  const rest: ConfigProblem[] = []
  for (const problem of problems) {
    const segments = splitPath(problem.path)
    const at = entityIndex(segments)
    if (at === undefined) {
      rest.push(problem)
      continue
    }
    const entityPath = segments.slice(0, at + 2)
    const key = JSON.stringify(entityPath)
    let entry = entities.get(key)
    if (!entry) {
      const item = valueAt(document, entityPath)
      const entity = isPlainObject(item) ? ownFields(item) : {}
      entry = { entity_type: singular(segments[at] as string), entity, errors: [] }
      for (const [field, name] of [
        ['entity_name', 'name'],
        ['entity_id', 'id'],
        ['entity_tags', 'tags'],
      ] as const) {
        if (entity[name] !== undefined) entry[field] = entity[name]
      }
      entities.set(key, entry)
    }
    entry.errors.push({ field: segments.slice(at + 2).join('.') || '@entity', message: problem.message, type: 'field' })
  }
  return { ...invalidConfigBody(problemTable(rest)), flattened_errors: [...entities.values()] }
}

function invalidConfigBody(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    code: INVALID_DECLARATIVE_CONFIG,
    name: 'invalid declarative configuration',
    message: `declarative config is invalid: ${luaNotation(fields)}`,
    fields,
  }
}

/** The problems as a table shaped like the document: `services[0].port` → `{services: [{port: …}]}`. */
function problemTable(problems: readonly ConfigProblem[]): Record<string, unknown> {
  const table: Record<string, unknown> = {}
  for (const { path, message } of problems) {
    const segments = splitPath(path)
    if (segments.length === 0) segments.push('error')
    let node: Record<string | number, unknown> = table
    for (const [i, segment] of segments.entries()) {
      if (i === segments.length - 1) {
        // Two problems with one field are both told.
        node[segment] = node[segment] === undefined ? message : `${node[segment]}; ${message}`
        break
      }
      const next = node[segment]
      if (typeof next === 'object' && next !== null) node = next as Record<string | number, unknown>
      else {
        const made: Record<string | number, unknown> = typeof segments[i + 1] === 'number' ? ([] as unknown as Record<number, unknown>) : {}
        node[segment] = made
        node = made
      }
    }
  }
  return table
}

/** Where the deepest entity a path is in starts (`plugins` of `…plugins[0].config.x`), if it is in one. */
function entityIndex(segments: readonly Segment[]): number | undefined {
  for (let i = segments.length - 2; i >= 0; i--) {
    const name = segments[i]
    if (typeof name === 'string' && typeof segments[i + 1] === 'number' && isKindName(name)) return i
  }
  return undefined
}

function valueAt(document: unknown, segments: readonly Segment[]): unknown {
  let value = document
  for (const segment of segments) value = (value as Record<Segment, unknown> | undefined)?.[segment]
  return value
}

/** An entity's own fields: the entities written inside it are entities of their own. */
function ownFields(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([key, value]) => !(isKindName(key) && Array.isArray(value))))
}

function singular(kind: string): string {
  return kind.endsWith('s') ? kind.slice(0, -1) : kind
}

/** A table in the notation Kong's message shows it in: `{services={{host="required field missing"}}}`, keys sorted. */
function luaNotation(value: unknown): string {
  if (Array.isArray(value)) return `{${value.map((item) => (item === undefined ? 'nil' : luaNotation(item))).join(',')}}`
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort()
    return `{${keys.map((key) => `${/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `[${JSON.stringify(key)}]`}=${luaNotation(value[key])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'nil'
}
