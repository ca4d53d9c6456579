// The plugins of a file: each entry's config read against the schema of the plugin it names,
// and what it is scoped to (the route, service, consumer or consumer group it is written in or
// names). A plugin this gateway does not have is refused by name, every one of them: skipping
// an authentication plugin would expose a function.

import type { PluginDefinition } from '../pipeline/plugin.ts'
import type { GatewayConsumer, GatewayConsumerGroup, GatewayRoute, GatewayService, PluginEntity } from './config.ts'
import type { Entry } from './flatten.ts'
import type { References } from './references.ts'
import { type ConfigProblem, isPlainObject, joinPath, type ScalarReader, validateRecord } from './validate.ts'
import { type ReferenceContext, resolveRecordReferences } from './vault.ts'

/** The model's entities for the entries a plugin may be scoped to. */
export interface Scopes {
  routes: ReadonlyMap<Entry, GatewayRoute>
  services: ReadonlyMap<Entry, GatewayService>
  consumers: ReadonlyMap<Entry, GatewayConsumer>
  groups: ReadonlyMap<Entry, GatewayConsumerGroup>
}

/** Every plugin entry checked; the enabled ones, with their scopes. */
export function buildPlugins(
  entries: readonly Entry[],
  refs: References,
  scopes: Scopes,
  registry: readonly PluginDefinition[],
  context: ReferenceContext,
  read?: ScalarReader,
): PluginEntity[] {
  const { problems } = context
  const plugins: PluginEntity[] = []
  /** The scopes already taken by each plugin name: Kong allows one instance per name and scope. */
  const taken = new Set<string>()
  let unsupported = false
  for (const entry of entries) {
    if (entry.kind.name !== 'plugins') continue
    const name = entry.fields.name
    if (typeof name !== 'string') continue
    const definition = registry.find((plugin) => plugin.name === name)
    if (!definition) {
      unsupported = true
      problems.push({
        path: joinPath(entry.path, 'name'),
        message: `plugin '${name}' is not supported by lambda-gateway: refusing to start rather than serve routes without it`,
      })
      continue
    }
    const before = problems.length
    const target = (field: string) => refs.target(entry, field)
    const scope = {
      route: scopes.routes.get(target('route') as Entry),
      service: scopes.services.get(target('service') as Entry),
      consumer: scopes.consumers.get(target('consumer') as Entry),
      consumerGroup: scopes.groups.get(target('consumer_group') as Entry),
    }
    // A reference to nothing is already a problem; its scope is unknown, so it cannot be a twin.
    const dangling = [...entry.references.keys()].some((field) => target(field) === undefined)
    const key = [name, ...['route', 'service', 'consumer', 'consumer_group'].map((field) => target(field)?.path ?? '')].join(' ')
    if (!dangling && taken.has(key))
      problems.push({ path: entry.path, message: `plugin '${name}' is configured twice with the same scope (${describeScope(scope)})` })
    if (!dangling) taken.add(key)
    if (scope.consumer && scope.consumerGroup) {
      problems.push({ path: entry.path, message: "only one or none of these fields must be set: 'consumer', 'consumer_group'" })
    }
    if (definition.noConsumer) {
      for (const field of ['consumer', 'consumer_group'] as const) {
        if (target(field))
          problems.push({ path: joinPath(entry.path, field), message: `value must be null: plugin '${name}' cannot be scoped to a ${field.replace('_', ' ')}` })
      }
    }
    const protocols = entry.fields.protocols as string[] | undefined
    if (protocols && !(protocols.includes('http') && protocols.includes('https'))) {
      problems.push({
        path: joinPath(entry.path, 'protocols'),
        message: 'must include http and https: lambda-gateway cannot run a plugin for some protocols only',
      })
    }
    const configPath = joinPath(entry.path, 'config')
    const given = entry.fields.config ?? {}
    const raw = definition.shorthands && isPlainObject(given) ? withShorthandsMoved(given, definition.shorthands, configPath, problems) : given
    // Left out, the config is the plugin's defaults (Kong: a plugin without config).
    const config = isPlainObject(raw) ? validateRecord(raw, definition.schema, configPath, problems, read) : undefined
    if (!config) problems.push({ path: configPath, message: 'expected a record' })
    else {
      for (const message of definition.check?.(config as never) ?? []) problems.push({ path: entry.path, message })
      resolveRecordReferences(config, definition.schema, configPath, context)
    }
    if (!config || entry.fields.enabled === false || problems.length > before || !entry.valid) continue
    plugins.push({
      name,
      config,
      path: configPath,
      ...Object.fromEntries(Object.entries(scope).filter(([, value]) => value !== undefined)),
    })
  }
  if (unsupported) problems.push({ path: '', message: `lambda-gateway's plugins: ${registry.map((plugin) => plugin.name).join(', ')}` })
  return plugins
}

/**
 * Kong's shorthand fields: each value moved to its new place, unless that place holds another
 * value (Kong refuses the pair then). Left alone when its record is not an object: the
 * record's own check says so.
 */
function withShorthandsMoved(
  config: Record<string, unknown>,
  shorthands: Readonly<Record<string, readonly [string, string]>>,
  path: string,
  problems: ConfigProblem[],
): Record<string, unknown> {
  const moved = { ...config }
  for (const [name, [record, field]] of Object.entries(shorthands)) {
    const value = moved[name]
    const target = moved[record] ?? {}
    if (value === undefined || !isPlainObject(target)) continue
    delete moved[name]
    const current = target[field]
    if (value === null) continue
    if (current !== undefined && current !== null && current !== value)
      problems.push({
        path: joinPath(path, name),
        message: `both deprecated and new field are used but their values mismatch: ${name} = ${value} vs ${record}.${field} = ${current}`,
      })
    else moved[record] = { ...target, [field]: value }
  }
  return moved
}

function describeScope(scope: { route?: GatewayRoute; service?: GatewayService; consumer?: GatewayConsumer; consumerGroup?: GatewayConsumerGroup }): string {
  const parts = [
    scope.route && `route '${scope.route.label}'`,
    scope.service && `service '${scope.service.label}'`,
    scope.consumer && `consumer '${scope.consumer.label}'`,
    scope.consumerGroup && `consumer group '${scope.consumerGroup.name}'`,
  ].filter(Boolean)
  return parts.length > 0 ? parts.join(', ') : 'global'
}
