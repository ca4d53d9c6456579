// Ids, uniqueness and references between the entries of a file, in Kong's words
// (`validate_references` and `flatten` in kong/db/schema/others/declarative_config.lua): each
// entity has an id (the file's, else Kong's derived or a random one), no two entities of a kind
// share an id or a unique field, and each reference names an entity of the file by its id or its
// endpoint key (a service's name, a consumer's username …).

import { getOrCreate } from '../get-or-create.ts'
import { declarativeId } from './entity-id.ts'
import type { Entry, Reference } from './flatten.ts'
import { KINDS, type KindName } from './kinds.ts'
import { type ConfigProblem, isPlainObject, joinPath } from './validate.ts'

export interface References {
  /** Each entry's id. */
  idOf(entry: Entry): string
  /** What an entry's reference field names: its parent's when it is written inside it. */
  target(entry: Entry, field: string): Entry | undefined
  /** The entries an entry's member list names (consumer-group members). */
  membersOf(entry: Entry): readonly Entry[]
}

/** Assigns ids, checks uniqueness and resolves every reference; problems are pushed. */
export function resolveReferences(entries: readonly Entry[], problems: ConfigProblem[]): References {
  const ids = new Map<Entry, string>()
  /** `kind field` → value → the entry that has it (`consumers id`, `consumers username` …). */
  const index = new Map<string, Map<string, Entry>>()
  const lookup = (kind: KindName, field: string) => getOrCreate(index, `${kind} ${field}`, () => new Map<string, Entry>())
  const duplicated = new Set<Entry>()

  for (const entry of entries) {
    const { kind, fields } = entry
    for (const field of kind.unique ?? []) {
      const value = fields[field]
      if (typeof value !== 'string') continue
      const seen = lookup(kind.name, field)
      const first = seen.get(value)
      if (first) {
        duplicated.add(entry)
        problems.push({ path: joinPath(entry.path, field), message: uniqueness(kind.name, field, value, first, kind.secret?.includes(field)) })
      } else seen.set(value, entry)
    }
  }
  for (const entry of entries) {
    const id = typeof entry.fields.id === 'string' ? entry.fields.id.toLowerCase() : derivedId(entry, entry.parent && ids.get(entry.parent.entry))
    ids.set(entry, id)
    const seen = lookup(entry.kind.name, 'id')
    // An entity whose unique name is taken already has its problem (and would get the same derived id).
    if (seen.has(id) && !duplicated.has(entry)) {
      problems.push({
        path: joinPath(entry.path, 'id'),
        message: `uniqueness violation: '${entry.kind.name}' entity with primary key set to '${id}' already declared`,
      })
    } else if (!seen.has(id)) seen.set(id, entry)
  }

  // Kong's find_entity: by the endpoint key first, then by id.
  const find = (kind: KindName, value: unknown): Entry | undefined => {
    const endpointKey = KINDS[kind].endpointKey ?? 'id'
    if (typeof value === 'string') return lookup(kind, endpointKey).get(value) ?? lookup(kind, 'id').get(value.toLowerCase())
    if (!isPlainObject(value)) return undefined
    if (typeof value.id === 'string') return lookup(kind, 'id').get(value.id.toLowerCase())
    if (typeof value[endpointKey] === 'string') return lookup(kind, endpointKey).get(value[endpointKey] as string)
    // decK names a group's members by username, id or custom_id.
    if (kind === 'consumers' && typeof value.custom_id === 'string') return lookup(kind, 'custom_id').get(value.custom_id)
    return undefined
  }
  const invalid = ({ value, path }: Reference, field: string, kind: KindName) =>
    problems.push({ path, message: `invalid reference '${field}: ${typeof value === 'string' ? value : JSON.stringify(value)}' (no such entry in '${kind}')` })

  const targets = new Map<Entry, Map<string, Entry>>()
  const members = new Map<Entry, Entry[]>()
  for (const entry of entries) {
    const resolved = new Map<string, Entry>()
    targets.set(entry, resolved)
    if (entry.parent) {
      resolved.set(entry.parent.field, entry.parent.entry)
      const { parentReference } = entry
      const named = parentReference && find(entry.parent.entry.kind.name, parentReference.value)
      // Kong: naming the entity it is in is accepted; naming another one is not; `{id: …}` naming none is a bad reference.
      if (parentReference && named === undefined && isPlainObject(parentReference.value))
        invalid(parentReference, entry.parent.field, entry.parent.entry.kind.name)
      else if (parentReference && named !== entry.parent.entry) problems.push({ path: parentReference.path, message: 'value must be null' })
    }
    for (const [field, reference] of entry.references) {
      const kind = entry.kind.foreign?.[field] as KindName
      const found = find(kind, reference.value)
      if (found) resolved.set(field, found)
      else invalid(reference, field, kind)
    }
    for (const [field, kind] of Object.entries(entry.kind.members ?? {})) {
      if (!kind) continue
      const list: Entry[] = []
      for (const reference of entry.members) {
        // A member names an entity defined elsewhere: anything else written there would be lost.
        const extra = isPlainObject(reference.value) ? Object.keys(reference.value).filter((key) => !MEMBER_KEYS.includes(key)) : []
        for (const key of extra) {
          problems.push({
            path: joinPath(reference.path, key),
            message: `unknown field: a member only names its entity (${kind === 'consumers' ? 'by id, username or custom_id' : 'by id or name'}); define it under ${kind}`,
          })
        }
        const found = find(kind, reference.value)
        if (found) list.push(found)
        else if (extra.length === 0) invalid(reference, field === 'groups' ? 'consumer_group' : 'consumer', kind)
      }
      members.set(entry, list)
    }
  }

  return {
    idOf: (entry) => ids.get(entry) ?? '',
    target: (entry, field) => targets.get(entry)?.get(field),
    membersOf: (entry) => members.get(entry) ?? [],
  }
}

/** What a member reference may hold: what names an entity, and the metadata decK writes beside it. */
const MEMBER_KEYS = ['id', 'username', 'custom_id', 'name', 'tags', 'created_at', 'updated_at']

/** Kong's words; a secret's value is not quoted, the entry that has it first is named instead. */
function uniqueness(kind: KindName, field: string, value: string, first: Entry, secret = false): string {
  if (secret) return `uniqueness violation: '${kind}' entity with ${field} set to the same value as ${first.path} already declared`
  return `uniqueness violation: '${kind}' entity with ${field} set to '${value}' already declared`
}

/** Kong's id for an entity without one: derived from its unique name where Kong derives it, else random. */
function derivedId(entry: Entry, parentId: string | undefined): string {
  const key = entry.kind.idKey?.(entry.fields, parentId)
  return typeof key === 'string' ? declarativeId(entry.kind.name, key) : crypto.randomUUID()
}
