// Validates a value against a Schema with Kong's error wording, collecting every problem
// (never just the first) under its field path, and fills in defaults.

import type { FieldSpec, Schema } from './schema.ts'
import { isVaultReference } from './vault.ts'

export interface ConfigProblem {
  /** Dotted path of the field, e.g. `routes[0].plugins[1].config.timeout`. */
  path: string
  message: string
}

export class ConfigError extends Error {
  readonly problems: ConfigProblem[]
  constructor(problems: ConfigProblem[]) {
    super(problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('\n'))
    this.name = 'ConfigError'
    this.problems = problems
  }
}

export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`
  return base ? `${base}.${key}` : key
}

/** joinPath undone: `services[0].routes[1].paths` → ['services', 0, 'routes', 1, 'paths']. */
export function splitPath(path: string): Array<string | number> {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map(([, name, index]) => (index === undefined ? name : Number(index)))
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const TYPE_NAMES: Record<Exclude<FieldSpec['type'], 'any'>, string> = {
  string: 'expected a string',
  number: 'expected a number',
  integer: 'expected an integer',
  boolean: 'expected a boolean',
  array: 'expected an array',
  record: 'expected a record',
  map: 'expected a map',
}

/** Fields Kong 3.0 removed, which Kong 2 files still carry: where each went, told where the field it became exists. */
const REMOVED_IN_KONG_3: Readonly<Record<string, { became: string; hint: string }>> = {
  proxy_scheme: { became: 'proxy_url', hint: "removed in Kong 3.0: proxy_url's scheme is used" },
  whitelist: { became: 'allow', hint: "removed in Kong 3.0: it is now 'allow'" },
  blacklist: { became: 'deny', hint: "removed in Kong 3.0: it is now 'deny'" },
}

/**
 * Kong's 'unknown field', with what was meant where that can be told: a Kong 2 field's
 * successor, or a known field one or two typing slips away (`aws_regoin`, `AWS-Region`).
 */
export function unknownField(key: string, known: readonly string[]): string {
  const removed = REMOVED_IN_KONG_3[key]
  if (removed && known.includes(removed.became)) return `unknown field (${removed.hint})`
  const normal = key.toLowerCase().replaceAll('-', '_')
  const near = known
    .map((field) => ({ field, distance: field === normal ? 0 : editDistance(normal, field) }))
    .filter(({ distance }) => distance <= Math.min(2, Math.floor(key.length / 3)))
    .sort((a, b) => a.distance - b.distance)[0]
  return near ? `unknown field (did you mean '${near.field}'?)` : 'unknown field'
}

/** Levenshtein distance with adjacent transpositions counted as one slip. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1)
    }
  }
  return rows[a.length][b.length]
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * How a string is read where a number or boolean is expected (decK templates, whose rendered
 * text YAML would have read as one); by default it is not.
 */
export type ScalarReader = (text: string, path: string, type: 'number' | 'integer' | 'boolean') => unknown

/**
 * Checks `input` against `schema`; returns a new object holding the known fields with
 * defaults applied. Unknown fields are problems, never silently dropped.
 */
export function validateRecord(input: unknown, schema: Schema, path: string, problems: ConfigProblem[], read?: ScalarReader): Record<string, unknown> {
  if (!isPlainObject(input)) {
    problems.push({ path, message: TYPE_NAMES.record })
    return {}
  }
  const output: Record<string, unknown> = {}
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(schema, key)) problems.push({ path: joinPath(path, key), message: unknownField(key, Object.keys(schema)) })
  }
  for (const [key, spec] of Object.entries(schema)) {
    const fieldPath = joinPath(path, key)
    const value = input[key]
    // As in Kong: an omitted field takes its default; an explicit null unsets an optional
    // field but is refused for a required one.
    if (value === undefined || value === null) {
      if (value === undefined && spec.type === 'record' && spec.required) output[key] = validateRecord({}, spec.fields, fieldPath, problems)
      else if (spec.required && (value === null || !('default' in spec))) problems.push({ path: fieldPath, message: 'required field missing' })
      // A copy: a plugin must not change another instance's defaults.
      else if ('default' in spec && spec.default !== undefined) output[key] = Array.isArray(spec.default) ? [...spec.default] : spec.default
      continue
    }
    const checked = validateField(value, spec, fieldPath, problems, read)
    if (checked !== undefined) output[key] = checked
  }
  return output
}

function validateField(value: unknown, spec: FieldSpec, path: string, problems: ConfigProblem[], read?: ScalarReader): unknown {
  const fail = (message: string) => {
    problems.push({ path, message })
    return undefined
  }
  switch (spec.type) {
    case 'string': {
      if (typeof value !== 'string') return fail(TYPE_NAMES.string)
      if (value.length === 0) return fail('length must be at least 1')
      if (spec.maxLength !== undefined && value.length > spec.maxLength) {
        return fail(`length must be at most ${spec.maxLength}`)
      }
      if (spec.oneOf && !spec.oneOf.includes(value)) return fail(`expected one of: ${spec.oneOf.join(', ')}`)
      // Vault references are checked when they are resolved, not against the field's format.
      if (spec.referenceable && isVaultReference(value)) return value
      if (spec.uuid && !UUID.test(value)) return fail('expected a valid UUID')
      const message = spec.check?.(value)
      return message ? fail(message) : value
    }
    case 'number':
    case 'integer': {
      if (typeof value === 'string' && read) value = read(value, path, spec.type)
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail(TYPE_NAMES[spec.type])
      if (spec.type === 'integer' && !Number.isInteger(value)) return fail(TYPE_NAMES.integer)
      if (spec.between && (value < spec.between[0] || value > spec.between[1])) {
        return fail(`value should be between ${spec.between[0]} and ${spec.between[1]}`)
      }
      const message = spec.check?.(value)
      return message ? fail(message) : value
    }
    case 'boolean':
      if (typeof value === 'string' && read) value = read(value, path, spec.type)
      return typeof value === 'boolean' ? value : fail(TYPE_NAMES.boolean)
    case 'array': {
      if (!Array.isArray(value)) return fail(TYPE_NAMES.array)
      return value.map((item, index) => validateField(item, spec.elements, joinPath(path, index), problems, read))
    }
    case 'record': {
      const before = problems.length
      return checked(validateRecord(value, spec.fields, path, problems, read), spec, path, problems, before)
    }
    case 'any':
      return value
    case 'map': {
      if (!isPlainObject(value)) return fail(TYPE_NAMES.map)
      const before = problems.length
      const entries = Object.entries(value).map(([key, item]) => {
        const at = joinPath(path, key)
        validateField(key, spec.keys, at, problems, read)
        return [key, validateField(item, spec.values, at, problems, read)] as const
      })
      return checked(Object.fromEntries(entries), spec, path, problems, before)
    }
  }
}

/** A record's or map's own check, once what it holds is valid (as Kong runs custom validators). */
function checked(
  value: Record<string, unknown>,
  spec: { check?: (value: Record<string, unknown>) => string | undefined },
  path: string,
  problems: ConfigProblem[],
  before: number,
) {
  const message = problems.length === before ? spec.check?.(value) : undefined
  if (message) problems.push({ path, message })
  return value
}
