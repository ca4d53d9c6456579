// Consumers, consumer groups and credentials from a file's entries: the groups of each consumer
// (from either side of decK's membership lists), its ACL groups, and its credentials with their
// secrets resolved (vault references) or made (Kong's `auto` fields).

import type { BasicauthCredential, GatewayConfig, GatewayConsumer, GatewayConsumerGroup, HmacauthCredential, JwtSecret, KeyauthCredential } from './config.ts'
import { checkConsumer } from './entities/consumer.ts'
import { checkJwtSecret, type JwtSecretFields, randomCredential } from './entities/credentials.ts'
import type { Entry } from './flatten.ts'
import type { References } from './references.ts'
import { joinPath } from './validate.ts'
import { isVaultReference, type ReferenceContext, resolveRecordReferences } from './vault.ts'

const CREDENTIALS = new Set(['keyauth_credentials', 'basicauth_credentials', 'jwt_secrets', 'hmacauth_credentials'])

export interface ConsumerModel {
  consumers: Map<Entry, GatewayConsumer>
  groups: Map<Entry, GatewayConsumerGroup>
  credentials: GatewayConfig['credentials']
}

/** The consumers, groups and credentials of `entries`; problems go to `context.problems`. */
export function buildConsumers(entries: readonly Entry[], refs: References, context: ReferenceContext, passwordsHashed: boolean): ConsumerModel {
  const { problems } = context
  const of = (kind: string) => entries.filter((entry) => entry.kind.name === kind)
  const tags = (entry: Entry) => (entry.fields.tags as string[] | undefined) ?? []

  const groups = new Map<Entry, GatewayConsumerGroup>()
  for (const entry of of('consumer_groups')) {
    groups.set(entry, { id: refs.idOf(entry), name: entry.fields.name as string, tags: tags(entry) })
  }
  // Membership is written on either side: the group's `consumers` or the consumer's `groups`.
  const membership = new Map<Entry, Set<GatewayConsumerGroup>>()
  const join = (consumer: Entry, group: Entry) => {
    const known = groups.get(group)
    if (!known) return
    const set = membership.get(consumer) ?? new Set()
    set.add(known)
    membership.set(consumer, set)
  }
  for (const group of of('consumer_groups')) for (const consumer of refs.membersOf(group)) join(consumer, group)
  for (const consumer of of('consumers')) for (const group of refs.membersOf(consumer)) join(consumer, group)

  const acls = new Map<Entry, string[]>()
  for (const entry of of('acls')) {
    const consumer = refs.target(entry, 'consumer')
    if (consumer) acls.set(consumer, [...(acls.get(consumer) ?? []), entry.fields.group as string])
  }

  const consumers = new Map<Entry, GatewayConsumer>()
  for (const entry of of('consumers')) {
    const fields = entry.fields as { username?: string; custom_id?: string }
    const problem = entry.valid ? checkConsumer(fields) : undefined
    if (problem) problems.push({ path: entry.path, message: problem })
    consumers.set(entry, {
      id: refs.idOf(entry),
      label: fields.username ?? fields.custom_id ?? entry.path,
      ...(fields.username === undefined ? {} : { username: fields.username }),
      ...(fields.custom_id === undefined ? {} : { custom_id: fields.custom_id }),
      tags: tags(entry),
      groups: [...(membership.get(entry) ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      acls: acls.get(entry) ?? [],
    })
  }

  const credentials: GatewayConfig['credentials'] = { keyauth: [], basicauth: [], jwt: [], hmacauth: [] }
  for (const entry of entries) {
    const consumer = CREDENTIALS.has(entry.kind.name) ? consumers.get(refs.target(entry, 'consumer') as Entry) : undefined
    if (!consumer) continue
    const fields = { ...entry.fields }
    resolveRecordReferences(fields, entry.kind.schema, entry.path, context)
    const common = { id: refs.idOf(entry), consumer, tags: tags(entry) }
    switch (entry.kind.name) {
      case 'keyauth_credentials':
        if (fields.ttl !== undefined)
          problems.push({ path: joinPath(entry.path, 'ttl'), message: 'keys that expire are not supported: lambda-gateway loads the file once' })
        credentials.keyauth.push({ ...common, kind: 'keyauth', key: (fields.key as string | undefined) ?? randomCredential() } satisfies KeyauthCredential)
        break
      case 'basicauth_credentials':
        credentials.basicauth.push({
          ...common,
          kind: 'basicauth',
          username: fields.username as string,
          password: fields.password as string,
          passwordHashed: passwordsHashed,
        } satisfies BasicauthCredential)
        break
      case 'jwt_secrets': {
        const secret = fields as JwtSecretFields
        const unresolved = secret.rsa_public_key !== undefined && isVaultReference(secret.rsa_public_key)
        if (entry.valid && !unresolved)
          for (const { field, message } of checkJwtSecret(secret)) problems.push({ path: field ? joinPath(entry.path, field) : entry.path, message })
        credentials.jwt.push({
          ...common,
          kind: 'jwt',
          key: secret.key ?? randomCredential(),
          secret: secret.secret ?? randomCredential(),
          algorithm: secret.algorithm,
          ...(secret.rsa_public_key === undefined ? {} : { rsa_public_key: secret.rsa_public_key }),
        } satisfies JwtSecret)
        break
      }
      case 'hmacauth_credentials':
        credentials.hmacauth.push({
          ...common,
          kind: 'hmacauth',
          username: fields.username as string,
          secret: (fields.secret as string | undefined) ?? randomCredential(),
        } satisfies HmacauthCredential)
        break
    }
  }
  return { consumers, groups, credentials }
}
