// Per-invocation logs. Handlers share one process, so console calls are routed through
// AsyncLocalStorage to the invocation that made them; the tail (X-Amz-Log-Result) then holds
// only that invocation's lines, as on AWS.

import { AsyncLocalStorage } from 'node:async_hooks'
import { Buffer } from 'node:buffer'
import { format } from 'node:util'
import { describeError } from '../log.ts'

const TAIL_BYTES = 4096
// Keep a little more than the tail so that trimming whole lines stays cheap.
const KEEP_BYTES = 4 * TAIL_BYTES

export class InvocationLog {
  readonly requestId: string
  readonly #forward: (level: string, text: string) => void
  #lines: Buffer[] = []
  #bytes = 0
  #closed = false

  constructor(requestId: string, forward: (level: string, text: string) => void) {
    this.requestId = requestId
    this.#forward = forward
  }

  /** A line as the Node runtime writes it: time, request id, level, message. */
  write(level: string, text: string): void {
    // Outside the store: a log sink that itself calls console must not loop back here.
    storage.exit(() => this.#forward(level, text))
    this.raw(`${new Date().toISOString()}\t${this.requestId}\t${level}\t${text}`)
  }

  /** A line verbatim (START/END/REPORT); ignored once the invocation has answered. */
  raw(line: string): void {
    if (this.#closed) return
    let bytes = Buffer.from(`${line}\n`, 'utf8')
    // Only a line's last TAIL_BYTES can ever reach the tail.
    if (bytes.length > TAIL_BYTES) bytes = Buffer.from(bytes.subarray(bytes.length - TAIL_BYTES))
    this.#lines.push(bytes)
    this.#bytes += bytes.length
    while (this.#bytes - this.#lines[0].length >= KEEP_BYTES) this.#bytes -= this.#lines.shift()!.length
  }

  close(): void {
    this.#closed = true
  }

  /** Base64 of the last TAIL_BYTES bytes. */
  tail(): string {
    const all = Buffer.concat(this.#lines)
    return all.subarray(Math.max(0, all.length - TAIL_BYTES)).toString('base64')
  }
}

const storage = new AsyncLocalStorage<InvocationLog>()

export function runWithLog<T>(log: InvocationLog, fn: () => T): T {
  return storage.run(log, fn)
}

export function currentLog(): InvocationLog | undefined {
  return storage.getStore()
}

type ConsoleMethod = 'log' | 'info' | 'warn' | 'error' | 'debug'
const LEVELS: Record<ConsoleMethod, string> = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG' }
let users = 0
const originals = new Map<ConsoleMethod, (...args: unknown[]) => void>()
const wrappers = new Map<ConsoleMethod, (...args: unknown[]) => void>()

/** Routes console calls made inside an invocation to its log; others go where they went before. */
export function captureConsole(): () => void {
  if (users++ === 0) {
    for (const method of Object.keys(LEVELS) as ConsoleMethod[]) {
      const original = console[method]
      const wrapper = (...args: unknown[]) => {
        const log = storage.getStore()
        if (log === undefined) original.apply(console, args)
        else log.write(LEVELS[method], format(...args))
      }
      originals.set(method, original)
      wrappers.set(method, wrapper)
      console[method] = wrapper
    }
  }
  let released = false
  return () => {
    if (released) return
    released = true
    if (--users > 0) return
    for (const [method, original] of originals) {
      // Someone who patched console after us keeps their patch.
      if (console[method] === wrappers.get(method)) console[method] = original
    }
    originals.clear()
    wrappers.clear()
  }
}

/**
 * Handlers run in this process: what they leave behind (a rejected promise, a throwing timer,
 * still inside their invocation's async context) is reported with the invocation's request id,
 * not allowed to stop the process. Anything else is the host's own failure: reported, then exit.
 */
export function reportStrayFunctionErrors(): void {
  const report = (kind: string) => (error: unknown) => {
    const requestId = currentLog()?.requestId
    const line = {
      time: new Date().toISOString(),
      level: 'error',
      msg: requestId === undefined ? kind : `${kind} in a function`,
      requestId,
      error: describeError(error),
    }
    process.stderr.write(`${JSON.stringify(line)}\n`)
    if (requestId === undefined) process.exit(1)
  }
  process.on('unhandledRejection', report('unhandled rejection'))
  process.on('uncaughtException', report('uncaught exception'))
}
