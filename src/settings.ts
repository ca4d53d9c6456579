// Gateway-wide settings from the environment (process env on Node/Deno, bindings on Workers).

import { DEFAULT_CLIENT_BODY_BUFFER_SIZE } from './gateway.ts'
import { ConfigError, type ConfigProblem } from './config/validate.ts'
import { envString, type Env } from './env.ts'
import { isLogLevel, type LogLevel } from './log.ts'

export interface GatewaySettings {
  logLevel: LogLevel
  /** Bodies larger than this count as spooled to disk (nginx's client_body_buffer_size). */
  clientBodyBufferSize: number
}

const SIZE = /^(\d+)([kKmM]?)$/

export function readSettings(env: Env): GatewaySettings {
  const problems: ConfigProblem[] = []
  const level = envString(env, 'LOG_LEVEL')?.toLowerCase() ?? 'info'
  if (!isLogLevel(level)) problems.push({ path: 'LOG_LEVEL', message: 'expected one of: debug, info, warn, error' })
  const size = envString(env, 'CLIENT_BODY_BUFFER_SIZE')
  let clientBodyBufferSize = DEFAULT_CLIENT_BODY_BUFFER_SIZE
  if (size !== undefined) {
    const match = SIZE.exec(size)
    if (!match) problems.push({ path: 'CLIENT_BODY_BUFFER_SIZE', message: 'expected a size in bytes, like 8192, 8k or 1m' })
    else clientBodyBufferSize = Number(match[1]) * ({ '': 1, k: 1024, m: 1024 * 1024 } as Record<string, number>)[match[2].toLowerCase()]
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return { logLevel: isLogLevel(level) ? level : 'info', clientBodyBufferSize }
}
