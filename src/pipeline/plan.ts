// A route's plugin plan, made once per configuration: for each plugin name that can apply to the
// route, in Kong's priority order, the configured instances with their scopes; per request, the
// one Kong's precedence picks (kong/runloop/plugins_iterator.lua, lookup_cfg): the most specific
// scope that matches wins, one instance per name.

import type { Env } from '../env.ts'
import type { Logger } from '../log.ts'
import type { GatewayRoute, PluginEntity } from '../model/declarative.ts'
import { ConfigError, type ConfigProblem } from '../model/validate.ts'
import type { RequestContext } from './context.ts'
import type { GatewayServices, PluginDefinition, PluginHandlers } from './plugin.ts'
import type { PluginStep, RoutePlan } from './run.ts'

export interface PlanSetup {
  env: Env
  log: Logger
  services: GatewayServices
  /** What answers when no plugin did (Kong: proxying to the route's service, or its 503). */
  upstream: RoutePlan['upstream']
}

/**
 * The scopes an instance may have, most specific first (Kong's precedence): an instance applies
 * to the route when every entity it names is the route's (or its service).
 */
const PRECEDENCE: ReadonlyArray<(entity: PluginEntity) => boolean> = [
  (p) => p.route !== undefined && p.service !== undefined,
  (p) => p.route !== undefined && p.service === undefined,
  (p) => p.route === undefined && p.service !== undefined,
  (p) => p.route === undefined && p.service === undefined,
]

export function planRoute(route: GatewayRoute, entities: readonly PluginEntity[], registry: readonly PluginDefinition[], setup: PlanSetup): RoutePlan {
  const problems: ConfigProblem[] = []
  const steps: PluginStep[] = []
  let answered = false
  for (const definition of byPriority(registry)) {
    const chosen = instanceFor(route, entities, definition.name)
    if (!chosen) continue
    answered ||= terminates(definition, chosen)
    const instance = make(definition, chosen, route, setup, problems)
    if (instance) steps.push(staticStep(definition.name, instance))
  }
  if (!answered && route.service) {
    const answering = registry.filter((p) => p.terminates !== undefined).map((p) => p.name)
    problems.push({ path: route.path, message: `no plugin answers this route (${answering.join(', ')}), and proxying to its service is not supported yet` })
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return { steps, upstream: setup.upstream }
}

/** The instance of the plugin `name` that Kong's precedence picks for `route`, if any applies. */
export function instanceFor(route: GatewayRoute, entities: readonly PluginEntity[], name: string): PluginEntity | undefined {
  const candidates = entities.filter(
    (p) => p.name === name && (p.route === undefined || p.route === route) && (p.service === undefined || p.service === route.service),
  )
  for (const scope of PRECEDENCE) {
    const chosen = candidates.find(scope)
    if (chosen) return chosen
  }
  return undefined
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
      env: setup.env,
      log: setup.log,
      services: setup.services,
    })
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    problems.push(...error.problems)
    return undefined
  }
}

function staticStep(name: string, instance: PluginHandlers): PluginStep {
  return { name, pick: (_ctx: RequestContext) => instance }
}
