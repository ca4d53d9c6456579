// Every plugin this gateway runs: the one place that names them. A plugin not listed here is
// refused by name when a configuration uses it, never skipped.

import type { PluginDefinition } from '../pipeline/plugin.ts'
import { awsLambdaPlugin } from './aws-lambda/index.ts'

export const PLUGINS: readonly PluginDefinition[] = [awsLambdaPlugin] as readonly PluginDefinition[]
