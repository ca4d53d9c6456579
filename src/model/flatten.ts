// Reads a declarative document into one flat list of entries, as Kong's `flatten` does: each
// entity validated against its own schema, with the entity it is written in (a route in its
// service) and the references it writes at the top level (a route's `service: orders`) kept
// for resolving. Entries come in file order, nested ones right after the entity they are in.

import { type EntityKind, isKindName, KINDS, nestedKinds, OTHER_KONG_ENTITIES } from './kinds.ts'
import { type ConfigProblem, isPlainObject, joinPath, type ScalarReader, validateRecord } from './validate.ts'

/** A reference as written: a name or id, or `{id: …}` / `{name: …}`. */
export interface Reference {
  value: unknown
  path: string
}

export interface Entry {
  readonly kind: EntityKind
  /** Where it is in the file (`services[0].routes[1]`). */
  readonly path: string
  /** Its own fields, validated, defaults filled in. */
  readonly fields: Record<string, unknown>
  /** The entity it is written in, and the reference field that nesting stands for. */
  readonly parent?: { readonly entry: Entry; readonly field: string }
  /** The references it writes (field → as written); a nested entity's reference to its parent is `parentReference`. */
  readonly references: ReadonlyMap<string, Reference>
  /** A nested entity naming the entity it is in (Kong accepts that, and nothing else, there). */
  readonly parentReference?: Reference
  /** decK's member lists (`consumer_groups[].consumers`, `consumers[].groups`): references to the other side. */
  readonly members: readonly Reference[]
  /** Whether its own fields are valid. */
  readonly valid: boolean
}

export interface FlattenOptions {
  /** The entity as written, made ready for its schema (a service's `url` expanded, decK's defaults filled in). */
  prepare?(kind: EntityKind, raw: Record<string, unknown>, path: string): Record<string, unknown>
  /** How a template's whole-value text is read where a number or boolean is expected. */
  read?: ScalarReader
}

/** Every entity of `document`, in file order; problems with their own fields are pushed. */
export function flattenEntities(document: Record<string, unknown>, problems: ConfigProblem[], options: FlattenOptions = {}): Entry[] {
  const entries: Entry[] = []

  const visit = (kind: EntityKind, item: unknown, path: string, parent?: { entry: Entry; field: string }) => {
    // A certificate's `snis` may be names (Kong's certificates.snis field) as well as SNI entities.
    const raw = kind.name === 'snis' && typeof item === 'string' ? { name: item } : item
    if (!isPlainObject(raw)) {
      problems.push({ path, message: 'expected a record' })
      return
    }
    const children = nestedKinds(kind.name)
    const own: Record<string, unknown> = {}
    const references = new Map<string, Reference>()
    let parentReference: Reference | undefined
    const members: Reference[] = []
    const before = problems.length
    for (const [key, value] of Object.entries(raw)) {
      const fieldPath = joinPath(path, key)
      if (children.has(key)) continue
      if (kind.foreign?.[key] !== undefined) {
        if (value === undefined || value === null) continue
        if (parent?.field === key) parentReference = { value, path: fieldPath }
        // Kong: an entity written inside another names nothing itself.
        else if (parent) problems.push({ path: fieldPath, message: 'value must be null' })
        else references.set(key, { value, path: fieldPath })
      } else if (kind.members?.[key] !== undefined) {
        if (value === undefined || value === null) continue
        if (!Array.isArray(value)) problems.push({ path: fieldPath, message: 'expected an array' })
        else members.push(...value.map((member, i) => ({ value: member, path: joinPath(fieldPath, i) })))
      } else if (OTHER_KONG_ENTITIES[key] !== undefined && Array.isArray(value)) {
        if (value.length > 0) problems.push({ path: fieldPath, message: `${key} are not supported: ${OTHER_KONG_ENTITIES[key]}` })
      } else {
        own[key] = value
      }
    }
    for (const field of kind.required ?? []) {
      if (!parent && !references.has(field)) problems.push({ path: joinPath(path, field), message: 'required field missing' })
    }
    const prepared = options.prepare ? options.prepare(kind, own, path) : own
    const fields = validateRecord(prepared, kind.schema, path, problems, options.read)
    const entry: Entry = { kind, path, fields, parent, references, parentReference, members, valid: problems.length === before }
    entries.push(entry)
    for (const [key, child] of children) {
      const list = raw[key]
      if (list === undefined || list === null) continue
      if (!Array.isArray(list)) {
        problems.push({ path: joinPath(path, key), message: 'expected an array' })
        continue
      }
      list.forEach((item, i) => {
        visit(child.kind, item, joinPath(joinPath(path, key), i), { entry, field: child.field })
      })
    }
  }

  for (const [key, list] of Object.entries(document)) {
    if (!isKindName(key) || list === undefined || list === null) continue
    if (!Array.isArray(list)) {
      problems.push({ path: key, message: 'expected an array' })
      continue
    }
    list.forEach((item, i) => {
      visit(KINDS[key], item, joinPath(key, i))
    })
  }
  return entries
}
