// Gateway-wide settings from the environment (process env on Node/Deno, bindings on Workers).

import { ConfigError, type ConfigProblem } from './config/validate.ts'
import { type Env, envString } from './env.ts'
import { isLogLevel, type LogLevel } from './log.ts'

export interface BodyLimits {
  /** Bodies larger than this count as spooled to disk (nginx's client_body_buffer_size, reference §2.6). */
  bufferSize: number
  /** Larger bodies are refused with 413 before they are read to the end; 0 means no limit. */
  maxSize: number
}

export const DEFAULT_BODY_LIMITS: BodyLimits = {
  bufferSize: 8192,
  // Lambda's synchronous payload limit: a larger body could never reach the function.
  maxSize: 6 * 1024 * 1024,
}

export interface GatewaySettings {
  logLevel: LogLevel
  body: BodyLimits
  /** `HEALTH_PATH`, opt-in: it answers before every route, so no route can be shadowed unasked. */
  healthPath?: string
}

const SIZE = /^(\d+)([kKmM]?)$/
const UNIT: Record<string, number> = { '': 1, k: 1024, m: 1024 * 1024 }

export function readSettings(env: Env): GatewaySettings {
  const problems: ConfigProblem[] = []
  const level = envString(env, 'LOG_LEVEL')?.toLowerCase() ?? 'info'
  if (!isLogLevel(level)) problems.push({ path: 'LOG_LEVEL', message: 'expected one of: debug, info, warn, error' })
  const readSize = (name: string, fallback: number): number => {
    const value = envString(env, name)
    if (value === undefined) return fallback
    const match = SIZE.exec(value)
    if (match) return Number(match[1]) * UNIT[match[2].toLowerCase()]
    problems.push({ path: name, message: 'expected a size in bytes, like 8192, 8k or 1m' })
    return fallback
  }
  const body = {
    bufferSize: readSize('CLIENT_BODY_BUFFER_SIZE', DEFAULT_BODY_LIMITS.bufferSize),
    maxSize: readSize('CLIENT_MAX_BODY_SIZE', DEFAULT_BODY_LIMITS.maxSize),
  }
  const healthPath = envString(env, 'HEALTH_PATH')
  if (healthPath !== undefined && !/^\/[\w.~/-]*$/.test(healthPath)) {
    problems.push({ path: 'HEALTH_PATH', message: 'expected a path such as /__health' })
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return { logLevel: isLogLevel(level) ? level : 'info', body, ...(healthPath === undefined ? {} : { healthPath }) }
}
