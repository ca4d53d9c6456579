// Kong's schema specs validate a plugin's config alone (spec.helpers.validate_plugin_config_schema);
// here a config is validated as the gateway reads it: in a document, on a route.

import { createGateway } from '../../src/gateway.ts'
import { createLogger } from '../../src/log.ts'
import { buildGatewayConfig } from '../../src/model/declarative.ts'
import { ConfigError, type ConfigProblem } from '../../src/model/validate.ts'
import { writableAnswer } from '../../src/pipeline/exchange.ts'

const PLUGIN = 'routes[0].plugins[0]'

/** A document whose one route has the plugin (`config` undefined: an entry without one). */
function document(name: string, config: unknown) {
  return { _format_version: '3.0', routes: [{ name: 'r', paths: ['/'], plugins: [{ name, ...(config === undefined ? {} : { config }) }] }] }
}

/** The config of plugin `name` once validated, defaults filled in (`config` left out: an entry without one). */
export function validPluginConfig<T = Record<string, unknown>>(name: string, config?: Record<string, unknown>): T {
  return buildGatewayConfig(document(name, config), {}).plugins[0].config as T
}

/**
 * Why the config of plugin `name` is refused, by field as Kong's `err.config` has them
 * (`origins[1]`); the entity checks under `@entity`.
 */
export function pluginConfigProblems(name: string, config: Record<string, unknown>): Record<string, string> {
  try {
    buildGatewayConfig(document(name, config), {})
  } catch (error) {
    return byField(error)
  }
  throw new Error('expected the config to be refused')
}

/** As pluginConfigProblems, for what the gateway refuses when it makes the plugin (what Kong's schema takes but this gateway cannot do). */
export function loadProblems(name: string, config: Record<string, unknown>): Record<string, string> {
  try {
    gatewayWith(name, config)
  } catch (error) {
    return byField(error)
  }
  throw new Error('expected the gateway to refuse the config')
}

function byField(error: unknown): Record<string, string> {
  if (!(error instanceof ConfigError)) throw error
  return Object.fromEntries(
    error.problems.map(({ path, message }: ConfigProblem) => [path === PLUGIN ? '@entity' : path.replace(`${PLUGIN}.config.`, ''), message]),
  )
}

/** A gateway whose one route (`/`, no service) has the plugin: its requests are answered in process, with the log lines written. */
export function gatewayWith(name: string, config: Record<string, unknown>) {
  const lines: string[] = []
  const log = createLogger('debug', (line) => lines.push(line))
  const gateway = createGateway({ config: buildGatewayConfig(document(name, config), {}), env: {}, log })
  return { lines, send: async (request: Request) => writableAnswer(await gateway.handle(request), log) }
}
