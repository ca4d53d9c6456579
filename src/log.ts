// JSON log lines with a level. The runtime entry decides where lines go (stderr on
// Node/Deno, the Workers console); nothing here knows the runtime.

import { cachedTime } from './cached-time.ts'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogFields = Record<string, unknown>

export interface Logger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

/** A line's time, to the millisecond. */
const isoTime = cachedTime(1, (ms) => new Date(ms).toISOString())

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(RANK, value)
}

export function createLogger(level: LogLevel, write: (line: string, level: LogLevel) => void): Logger {
  const emit = (lineLevel: LogLevel) =>
    RANK[lineLevel] < RANK[level]
      ? () => {}
      : (message: string, fields?: LogFields) => write(JSON.stringify({ time: isoTime(Date.now()), level: lineLevel, msg: message, ...fields }), lineLevel)
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') }
}

/** An error with its cause chain: Node puts the reason (ECONNREFUSED, a certificate problem) in `code` or `cause`. */
export function describeError(error: unknown): string {
  const parts: string[] = []
  for (let e = error as { message?: string; code?: string; cause?: unknown } | undefined; e && parts.length < 4; e = e.cause as typeof e) {
    const message = String(e.message ?? e)
    parts.push(e.code && !message.includes(e.code) ? `${message} (${e.code})` : message)
  }
  return parts.join(': ')
}
