// Kong's `Queue.get_plugin_params`: a plugin's `queue` settings, with the deprecated fields that
// older configs still carry moved to where they now live, and a warning for each, in Kong's words
// (https://github.com/Kong/kong/blob/master/kong/tools/queue.lua).

import type { PluginSetup } from '../pipeline/plugin.ts'
import type { QueueSettings } from './schema.ts'

interface LegacyFields {
  queue: QueueSettings
  retry_count?: number
  queue_size?: number
  flush_timeout?: number
  batch_span_count?: number
  batch_flush_delay?: number
}

/** Each deprecated field: its old default (no warning), and where it now lives. */
const MOVED = [
  ['queue_size', 1, 'max_batch_size'],
  ['flush_timeout', 2, 'max_coalescing_delay'],
  ['batch_span_count', 200, 'max_batch_size'],
  ['batch_flush_delay', 3, 'max_coalescing_delay'],
] as const

export function legacyQueueSettings(plugin: string, config: LegacyFields, setup: Pick<PluginSetup, 'log' | 'path'>): QueueSettings {
  const settings = { ...config.queue }
  const warn = (message: string) => setup.log.warn(`${plugin}: ${message}`, { plugin: setup.path })
  if (config.retry_count !== undefined && config.retry_count !== 10) {
    warn('the retry_count parameter no longer works, please update your configuration to use initial_retry_delay and max_retry_time instead')
  }
  for (const [field, oldDefault, moved] of MOVED) {
    const value = config[field]
    if (value === undefined || value === oldDefault) continue
    settings[moved] = value
    warn(`the ${field} parameter is deprecated, please update your configuration to use queue.${moved} instead`)
  }
  return settings
}
