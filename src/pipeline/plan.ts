// A route's plugin plan, made once per configuration: for each plugin name that can apply to the
// route, in Kong's priority order, the configured instances with their scopes; per request, the
// one Kong's precedence picks (kong/runloop/plugins_iterator.lua, lookup_cfg): the most specific
// scope that matches wins, one instance per name. Where no instance of a name is scoped to a
// consumer or consumer group, the pick is made once, here; otherwise it depends on the consumer
// an authentication plugin found (ctx.consumer), and is made once per consumer.

import type { Env } from '../env.ts'
import type { Logger } from '../log.ts'
import type { GatewayConsumer, GatewayRoute, PluginEntity } from '../model/declarative.ts'
import { ConfigError, type ConfigProblem } from '../model/validate.ts'
import type { RequestContext } from './context.ts'
import type { ConsumerDirectory, GatewayServices, PluginDefinition, PluginHandlers } from './plugin.ts'
import type { PluginStep, RoutePlan } from './run.ts'

export interface PlanSetup {
  env: Env
  log: Logger
  services: GatewayServices
  consumers: ConsumerDirectory
  /**
   * What answers a route's requests when no plugin did (Kong: proxying to its service, or its
   * 503); throws ConfigError for a service that cannot be proxied to.
   */
  upstream(route: GatewayRoute): RoutePlan['upstream']
}

/**
 * Kong's precedence, most specific first: the scopes an instance may have, by the entities it
 * names (https://docs.konghq.com/gateway/latest/key-concepts/plugins/#precedence; lookup_cfg in
 * kong/runloop/plugins_iterator.lua has the same order without consumer groups, which are Kong
 * Enterprise's). An instance applies to a request when every entity it names is the request's.
 */
const PRECEDENCE = [
  'consumer route service',
  'group route service',
  'consumer route',
  'consumer service',
  'group route',
  'group service',
  'route service',
  'consumer',
  'group',
  'route',
  'service',
  '',
]
const RANK = new Map(PRECEDENCE.map((scope, rank) => [scope, rank]))

/** Where `entity` stands in Kong's precedence (lower first); undefined for a scope Kong never picks. */
function rankOf(entity: PluginEntity): number | undefined {
  const names = [entity.consumer && 'consumer', entity.consumerGroup && 'group', entity.route && 'route', entity.service && 'service']
  return RANK.get(names.filter(Boolean).join(' '))
}

const consumerScoped = (entity: PluginEntity) => entity.consumer !== undefined || entity.consumerGroup !== undefined

export function planRoute(route: GatewayRoute, entities: readonly PluginEntity[], registry: readonly PluginDefinition[], setup: PlanSetup): RoutePlan {
  const problems: ConfigProblem[] = []
  const steps: PluginStep[] = []
  const rewrite: PluginHandlers[] = []
  let answered = false
  // A plugin the registry does not have would be skipped: a route served without it.
  const unknown = entities.find((entity) => !registry.some((definition) => definition.name === entity.name))
  if (unknown) throw new Error(`plugin '${unknown.name}' (${unknown.path}) is not one of this gateway's: the configuration was read with other plugins`)
  for (const definition of byPriority(registry)) {
    const { name } = definition
    const candidates = entities.filter(
      (p) => p.name === name && (p.route === undefined || p.route === route) && (p.service === undefined || p.service === route.service),
    )
    // What every request of the route gets, whoever its consumer.
    const fallback = instanceFor(route, candidates, name)
    const fallbackRank = fallback ? (rankOf(fallback) as number) : PRECEDENCE.length
    // Consumer-scoped instances that can win over it (those below it never do).
    const contenders = candidates.filter((p) => consumerScoped(p) && (rankOf(p) ?? PRECEDENCE.length) < fallbackRank)
    if (!fallback && contenders.length === 0) continue
    answered ||= fallback !== undefined && terminates(definition, fallback)
    const made = new Map<PluginEntity, PluginHandlers>()
    for (const entity of fallback ? [fallback, ...contenders] : contenders) {
      const instance = make(definition, entity, route, setup, problems)
      if (instance) made.set(entity, instance)
    }
    const fallbackInstance = fallback && made.get(fallback)
    if (contenders.length === 0 && fallbackInstance?.rewrite) rewrite.push(fallbackInstance)
    steps.push(contenders.length === 0 ? staticStep(name, fallbackInstance) : consumerStep(route, name, contenders, made, fallbackInstance))
  }
  let upstream: RoutePlan['upstream'] = answeredAlready
  try {
    if (!answered) upstream = setup.upstream(route)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    problems.push(...error.problems)
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return rewrite.length > 0 ? { steps, upstream, rewrite } : { steps, upstream }
}

/** A route a plugin answers is never proxied: reaching this is a plugin that promised to answer and did not. */
function answeredAlready(): never {
  throw new Error('a plugin that answers every request of this route did not')
}

/**
 * The instance of the plugin `name` that Kong's precedence picks for a request of `route` by
 * `consumer` (none: a request no authentication plugin identified), if any applies. Between
 * instances of two groups of the consumer, the group first in alphabetical order wins, as in Kong.
 */
export function instanceFor(route: GatewayRoute, entities: readonly PluginEntity[], name: string, consumer?: GatewayConsumer): PluginEntity | undefined {
  let best: PluginEntity | undefined
  let bestRank = PRECEDENCE.length
  let bestGroup = Number.POSITIVE_INFINITY
  for (const p of entities) {
    if (p.name !== name || (p.route !== undefined && p.route !== route) || (p.service !== undefined && p.service !== route.service)) continue
    if (p.consumer !== undefined && p.consumer !== consumer) continue
    const group = p.consumerGroup === undefined ? -1 : (consumer?.groups.indexOf(p.consumerGroup) ?? -1)
    if (p.consumerGroup !== undefined && group === -1) continue
    const rank = rankOf(p)
    if (rank === undefined || rank > bestRank || (rank === bestRank && group >= bestGroup)) continue
    best = p
    bestRank = rank
    bestGroup = group
  }
  return best
}

/** Whether `entity`, an instance of `definition`, answers every request in the access phase. */
function terminates(definition: PluginDefinition, entity: PluginEntity): boolean {
  // The config was validated against this definition's schema when the file was read.
  return definition.terminates?.(entity.config as never) === true
}

/** Kong's order: higher PRIORITY first; equal ones by name, later in the alphabet first. */
function byPriority(registry: readonly PluginDefinition[]): PluginDefinition[] {
  return [...registry].sort((a, b) => b.priority - a.priority || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0))
}

function make(
  definition: PluginDefinition,
  entity: PluginEntity,
  route: GatewayRoute,
  setup: PlanSetup,
  problems: ConfigProblem[],
): PluginHandlers | undefined {
  try {
    // The config was validated against this definition's schema when the file was read.
    return definition.create(entity.config as never, {
      route,
      path: entity.path,
      scope: { route: entity.route, service: entity.service },
      env: setup.env,
      log: setup.log,
      services: setup.services,
      consumers: setup.consumers,
    })
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    problems.push(...error.problems)
    return undefined
  }
}

/** The same instance for every request: no instance of this name is scoped to a consumer or group. */
function staticStep(name: string, instance: PluginHandlers | undefined): PluginStep {
  return { name, pick: (_ctx: RequestContext) => instance }
}

/**
 * An instance per consumer: the request's consumer is known once an authentication plugin of
 * higher priority has run (Kong looks each plugin's instance up when its turn comes, as here).
 * Each consumer's pick is worked out once and kept (weakly: a consumer is the configuration's).
 */
function consumerStep(
  route: GatewayRoute,
  name: string,
  contenders: readonly PluginEntity[],
  made: ReadonlyMap<PluginEntity, PluginHandlers>,
  fallback: PluginHandlers | undefined,
): PluginStep {
  const picks = new WeakMap<GatewayConsumer, { instance: PluginHandlers | undefined }>()
  return {
    name,
    pick(ctx) {
      const consumer = ctx.consumer
      if (consumer === undefined) return fallback
      let pick = picks.get(consumer)
      if (!pick) {
        const chosen = instanceFor(route, contenders, name, consumer)
        pick = { instance: chosen ? made.get(chosen) : fallback }
        picks.set(consumer, pick)
      }
      return pick.instance
    },
  }
}
