// Kong's schema specs validate a plugin's config alone (spec.helpers.validate_plugin_config_schema);
// here a config is validated as the gateway reads it: in a document, on a route.

import { buildGatewayConfig } from '../../src/model/declarative.ts'
import { ConfigError, type ConfigProblem } from '../../src/model/validate.ts'

const PLUGIN = 'routes[0].plugins[0]'

function document(name: string, config: Record<string, unknown>) {
  return { _format_version: '3.0', routes: [{ name: 'r', paths: ['/'], plugins: [{ name, config }] }] }
}

/** The config of plugin `name` once validated, defaults filled in. */
export function validPluginConfig(name: string, config: Record<string, unknown>): Record<string, unknown> {
  return buildGatewayConfig(document(name, config), {}).plugins[0].config
}

/**
 * Why the config of plugin `name` is refused, by field as Kong's `err.config` has them
 * (`origins[1]`); the entity checks under `@entity`.
 */
export function pluginConfigProblems(name: string, config: Record<string, unknown>): Record<string, string> {
  try {
    buildGatewayConfig(document(name, config), {})
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    return Object.fromEntries(
      error.problems.map(({ path, message }: ConfigProblem) => [path === PLUGIN ? '@entity' : path.replace(`${PLUGIN}.config.`, ''), message]),
    )
  }
  throw new Error('expected the config to be refused')
}
