// Every kind of entity a Kong 3.x declarative file may hold, as Kong's declarative format knows
// them (https://github.com/Kong/kong/blob/master/kong/db/schema/others/declarative_config.lua):
// its schema, the key other entities name it by, its unique fields and its references. An
// entity may be written inside the entity it references (a route in its service, a plugin in
// its route, a credential in its consumer) or at the top level naming it: both forms are one.

import { caCertificateSchema, certificateSchema, sniSchema } from './entities/certificate.ts'
import { consumerGroupSchema, consumerSchema } from './entities/consumer.ts'
import { aclSchema, basicauthCredentialSchema, hmacauthCredentialSchema, jwtSecretSchema, keyauthCredentialSchema } from './entities/credentials.ts'
import { pluginSchema } from './entities/plugin.ts'
import { routeSchema } from './entities/route.ts'
import { serviceSchema } from './entities/service.ts'
import { targetSchema, upstreamSchema } from './entities/upstream.ts'
import { vaultSchema } from './entities/vault.ts'
import type { Schema } from './schema.ts'

export type KindName =
  | 'services'
  | 'routes'
  | 'consumers'
  | 'consumer_groups'
  | 'plugins'
  | 'keyauth_credentials'
  | 'basicauth_credentials'
  | 'jwt_secrets'
  | 'acls'
  | 'hmacauth_credentials'
  | 'upstreams'
  | 'targets'
  | 'certificates'
  | 'snis'
  | 'ca_certificates'
  | 'vaults'

export interface EntityKind {
  readonly name: KindName
  /** Its own fields: references and nested lists are read apart. */
  readonly schema: Schema
  /** Kong's endpoint_key: what other entities name it by, besides its id. */
  readonly endpointKey?: string
  /** Fields whose values no two entities of the kind may share (Kong's `unique`). */
  readonly unique?: readonly string[]
  /** Its references: field → the kind it names (Kong's foreign fields). */
  readonly foreign?: Readonly<Partial<Record<string, KindName>>>
  /** References it cannot be without. */
  readonly required?: readonly string[]
  /** Fields that hold secrets: no problem quotes them. */
  readonly secret?: readonly string[]
  /** Lists of references to other entities: decK's consumer-group members (`consumer_groups[].consumers`, `consumers[].groups`). */
  readonly members?: Readonly<Partial<Record<string, KindName>>>
  /**
   * What Kong derives the id of an entity without one from (its endpoint key, or its cache key),
   * so that the same file gives the same ids; without it, an id is random, as in Kong.
   */
  readonly idKey?: (fields: Record<string, unknown>, parentId?: string) => unknown
  /** Why lambda-gateway refuses it: what it would need that the gateway does not do yet. */
  readonly refused?: string
}

const byField = (field: string) => (fields: Record<string, unknown>) => fields[field]
const byCacheKey = (kind: KindName, field: string) => (fields: Record<string, unknown>) =>
  typeof fields[field] === 'string' ? `${kind}:*:${fields[field]}` : undefined

/** Kong's cache key of an entity written inside its parent (a target in its upstream): the parent's id and its own key field. */
const byParentCacheKey = (kind: KindName, field: string) => (fields: Record<string, unknown>, parentId?: string) =>
  parentId !== undefined && typeof fields[field] === 'string' ? `${kind}:*:${parentId}:${fields[field]}` : undefined

const credential = (name: KindName, schema: Schema, extra: Partial<EntityKind>): EntityKind => ({
  name,
  schema,
  foreign: { consumer: 'consumers' },
  required: ['consumer'],
  ...extra,
})

export const KINDS: Readonly<Record<KindName, EntityKind>> = {
  services: {
    name: 'services',
    schema: serviceSchema,
    endpointKey: 'name',
    unique: ['name'],
    foreign: { client_certificate: 'certificates' },
    idKey: byField('name'),
  },
  routes: { name: 'routes', schema: routeSchema, endpointKey: 'name', unique: ['name'], foreign: { service: 'services' }, idKey: byField('name') },
  consumers: {
    name: 'consumers',
    schema: consumerSchema,
    endpointKey: 'username',
    unique: ['username', 'custom_id'],
    members: { groups: 'consumer_groups' },
    idKey: byField('username'),
  },
  consumer_groups: {
    name: 'consumer_groups',
    schema: consumerGroupSchema,
    endpointKey: 'name',
    unique: ['name'],
    members: { consumers: 'consumers' },
    idKey: byField('name'),
  },
  plugins: {
    name: 'plugins',
    schema: pluginSchema,
    endpointKey: 'instance_name',
    unique: ['instance_name'],
    foreign: { route: 'routes', service: 'services', consumer: 'consumers', consumer_group: 'consumer_groups' },
  },
  keyauth_credentials: credential('keyauth_credentials', keyauthCredentialSchema, { endpointKey: 'key', unique: ['key'], secret: ['key'] }),
  basicauth_credentials: credential('basicauth_credentials', basicauthCredentialSchema, {
    endpointKey: 'username',
    unique: ['username'],
    secret: ['password'],
    idKey: byCacheKey('basicauth_credentials', 'username'),
  }),
  jwt_secrets: credential('jwt_secrets', jwtSecretSchema, { endpointKey: 'key', unique: ['key'], secret: ['secret'] }),
  // Kong's cache key (consumer, group): one group written twice in a consumer is one id twice.
  acls: credential('acls', aclSchema, { idKey: byParentCacheKey('acls', 'group') }),
  hmacauth_credentials: credential('hmacauth_credentials', hmacauthCredentialSchema, {
    endpointKey: 'username',
    unique: ['username'],
    secret: ['secret'],
    idKey: byCacheKey('hmacauth_credentials', 'username'),
  }),
  upstreams: {
    name: 'upstreams',
    schema: upstreamSchema,
    endpointKey: 'name',
    unique: ['name'],
    foreign: { client_certificate: 'certificates' },
    idKey: byField('name'),
  },
  targets: { name: 'targets', schema: targetSchema, foreign: { upstream: 'upstreams' }, required: ['upstream'], idKey: byParentCacheKey('targets', 'target') },
  certificates: { name: 'certificates', schema: certificateSchema, secret: ['key', 'key_alt'] },
  snis: {
    name: 'snis',
    schema: sniSchema,
    endpointKey: 'name',
    unique: ['name'],
    foreign: { certificate: 'certificates' },
    required: ['certificate'],
  },
  ca_certificates: {
    name: 'ca_certificates',
    schema: caCertificateSchema,
    unique: ['cert_digest'],
  },
  vaults: { name: 'vaults', schema: vaultSchema, endpointKey: 'prefix', unique: ['prefix'], idKey: byCacheKey('vaults', 'prefix') },
}

/** Kong entities of other plugins or features: refused by name, never read as unknown fields. */
export const OTHER_KONG_ENTITIES: Readonly<Record<string, string>> = {
  oauth2_credentials: 'the oauth2 plugin is not supported',
  mtls_auth_credentials: 'the mtls-auth plugin (Kong Enterprise) is not supported',
  key_sets: 'keys and key sets are not supported',
  keys: 'keys and key sets are not supported',
  filter_chains: 'Wasm filter chains are not supported',
  workspaces: 'a file is one workspace here',
  consumer_group_consumers: "write members as consumer_groups[].consumers or consumers[].groups (decK's form)",
  consumer_group_plugins: "scope plugins to a consumer group in consumer_groups[].plugins or with a plugin's consumer_group",
  licenses: 'Kong Enterprise licenses have no meaning here',
  rbac_roles: 'RBAC is not supported',
}

/** The lists an entity of `parent` may hold, each of a kind that references it: list name → that kind and its referencing field. */
export function nestedKinds(parent: KindName): ReadonlyMap<string, { kind: EntityKind; field: string }> {
  return NESTED.get(parent) ?? new Map()
}

const NESTED = new Map<KindName, Map<string, { kind: EntityKind; field: string }>>()
for (const kind of Object.values(KINDS)) {
  for (const [field, target] of Object.entries(kind.foreign ?? {})) {
    if (!target) continue
    const lists = NESTED.get(target) ?? new Map()
    lists.set(kind.name, { kind, field })
    NESTED.set(target, lists)
  }
}

export function isKindName(key: string): key is KindName {
  return Object.hasOwn(KINDS, key)
}
