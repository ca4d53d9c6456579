// Gateway-wide settings from the environment (process env on Node/Deno, bindings on Workers).

import { type Env, envString } from './env.ts'
import { checkIpOrCidr, ipMatcher } from './http/ip.ts'
import { isLogLevel, type LogLevel } from './log.ts'
import { ConfigError, type ConfigProblem } from './model/validate.ts'
import type { RealIpSettings } from './pipeline/real-ip.ts'

export interface BodyLimits {
  /** Bodies larger than this count as spooled to disk (nginx's client_body_buffer_size, docs/aws-lambda-plugin.md#large-bodies). */
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
  /** `LAMBDA_ERROR_DETAILS`: `forward` (Kong) relays a function's error payload and AWS's headers, `hide` does not. */
  lambdaErrorDetails: 'forward' | 'hide'
  /** `TRUSTED_IPS` (with `REAL_IP_HEADER`, `REAL_IP_RECURSIVE`): none trusts no peer, and the client is the peer. */
  realIp?: RealIpSettings
}

/**
 * The Node and Deno servers' limits, nginx's (and so Kong's) defaults; Workers has the
 * platform's. 0 turns one off.
 */
export interface ServerLimits {
  /** `CLIENT_HEADER_TIMEOUT`: the request head must arrive within it (nginx client_header_timeout). */
  headerTimeoutMs: number
  /** `CLIENT_BODY_TIMEOUT`: the longest wait between two reads of the request body (nginx client_body_timeout). */
  bodyTimeoutMs: number
  /** `SEND_TIMEOUT`: the longest time the client may take no part of the answer (nginx send_timeout). */
  sendTimeoutMs: number
  /** `KEEPALIVE_TIMEOUT`: how long an idle keep-alive connection stays open (nginx keepalive_timeout). */
  keepAliveTimeoutMs: number
  /** `MAX_CONNECTIONS`: connections beyond it are closed at once. */
  maxConnections: number
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  headerTimeoutMs: 60_000,
  bodyTimeoutMs: 60_000,
  sendTimeoutMs: 60_000,
  keepAliveTimeoutMs: 75_000,
  maxConnections: 10_000,
}

/** Each limit's environment variable. */
export const SERVER_LIMIT_VARIABLES: Readonly<Record<keyof ServerLimits, string>> = {
  headerTimeoutMs: 'CLIENT_HEADER_TIMEOUT',
  bodyTimeoutMs: 'CLIENT_BODY_TIMEOUT',
  sendTimeoutMs: 'SEND_TIMEOUT',
  keepAliveTimeoutMs: 'KEEPALIVE_TIMEOUT',
  maxConnections: 'MAX_CONNECTIONS',
}

const SIZE = /^(\d+)([kKmM]?)$/
const UNIT: Record<string, number> = { '': 1, k: 1024, m: 1024 * 1024 }
/** nginx's time syntax: a number of seconds, or with ms, s or m. */
const DURATION = /^(\d+)(ms|s|m)?$/
const DURATION_UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000 }
const MAX_TIMER_MS = 2_147_483_647

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
  const errorDetails = envString(env, 'LAMBDA_ERROR_DETAILS') ?? 'forward'
  if (errorDetails !== 'forward' && errorDetails !== 'hide') problems.push({ path: 'LAMBDA_ERROR_DETAILS', message: 'expected forward or hide' })
  const realIp = readRealIp(env, problems)
  if (problems.length > 0) throw new ConfigError(problems)
  return {
    logLevel: isLogLevel(level) ? level : 'info',
    body,
    ...(healthPath === undefined ? {} : { healthPath }),
    lambdaErrorDetails: errorDetails === 'hide' ? 'hide' : 'forward',
    ...(realIp === undefined ? {} : { realIp }),
  }
}

/** A header name (RFC 9110's token). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/**
 * Kong's `trusted_ips`, `real_ip_header` (default X-Real-IP) and `real_ip_recursive` (default
 * off): comma-separated addresses and CIDR ranges, or `unrestricted` (every address).
 */
function readRealIp(env: Env, problems: ConfigProblem[]): RealIpSettings | undefined {
  const header = envString(env, 'REAL_IP_HEADER') ?? 'X-Real-IP'
  if (header === 'proxy_protocol')
    problems.push({ path: 'REAL_IP_HEADER', message: "proxy_protocol is not supported: lambda-gateway's servers do not read the PROXY protocol" })
  else if (!TOKEN.test(header)) problems.push({ path: 'REAL_IP_HEADER', message: 'expected a header name, like X-Forwarded-For' })
  const recursive = envString(env, 'REAL_IP_RECURSIVE') ?? 'off'
  if (recursive !== 'on' && recursive !== 'off') problems.push({ path: 'REAL_IP_RECURSIVE', message: 'expected on or off' })
  const list = envString(env, 'TRUSTED_IPS')
  if (list === undefined) return undefined
  const entries = list.split(',').map((entry) => entry.trim())
  const trusted = entries.length === 1 && entries[0] === 'unrestricted' ? ['0.0.0.0/0', '::/0'] : entries
  for (const entry of trusted) {
    const problem = checkIpOrCidr(entry)
    if (problem) problems.push({ path: 'TRUSTED_IPS', message: `${problem} (expected addresses and CIDR ranges separated by commas, or unrestricted)` })
  }
  return { trusted: ipMatcher(trusted), header: header.toLowerCase(), recursive: recursive === 'on' }
}

/** The server limits, and which of them the environment sets (a runtime refuses those it cannot honour). */
export function readServerLimits(env: Env): { limits: ServerLimits; set: Array<keyof ServerLimits> } {
  const problems: ConfigProblem[] = []
  const limits = { ...DEFAULT_SERVER_LIMITS }
  const set: Array<keyof ServerLimits> = []
  for (const [key, name] of Object.entries(SERVER_LIMIT_VARIABLES) as Array<[keyof ServerLimits, string]>) {
    const value = envString(env, name)
    if (value === undefined) continue
    set.push(key)
    if (key === 'maxConnections') {
      if (/^\d+$/.test(value)) limits[key] = Number(value)
      else problems.push({ path: name, message: 'expected a number of connections (0: no limit)' })
      continue
    }
    const match = DURATION.exec(value)
    const ms = match ? Number(match[1]) * DURATION_UNIT[match[2] ?? 's'] : Number.NaN
    if (ms <= MAX_TIMER_MS) limits[key] = ms
    else problems.push({ path: name, message: 'expected a time like 60s, 500ms or 2m (a bare number is seconds; 0: no limit)' })
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return { limits, set }
}
