// The functions: files <name>.mjs|.js|.ts in one directory exporting `handler`, run in this
// process the way the AWS Node runtime runs them (its context object, its error shape).

import { readdir, stat } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { types } from 'node:util'

const EXTENSIONS = ['.mjs', '.js', '.ts']
export const DEFAULT_ACCOUNT = '123456789012'
export const TIMEOUT_MS = 30_000
export const MEMORY_MB = 128

interface FunctionRef {
  name: string
  /** from a full or partial ARN */
  account: string | null
  region: string | null
  qualifier: string | null
}

// AWS's FunctionName pattern (docs/aws-protocols.md#function-names), anchored.
const FUNCTION_NAME =
  /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:([a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9_.-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/

export function parseFunctionName(value: string): FunctionRef | null {
  const match = value.length <= 170 ? FUNCTION_NAME.exec(value) : null
  if (match === null || match[3].length > 64) return null
  return { region: match[1] ?? null, account: match[2] ?? null, name: match[3], qualifier: match[4] ?? null }
}

export function isQualifier(value: string): boolean {
  return value.length <= 128 && /^(?:\$LATEST|[A-Za-z0-9_-]+)$/.test(value)
}

export async function findFunctionFile(dir: string, name: string): Promise<string | null> {
  // The name pattern has no "/", so the file cannot be outside dir.
  if (!/^[a-zA-Z0-9_.-]+$/.test(name)) return null
  for (const ext of EXTENSIONS) {
    const file = join(dir, name + ext)
    try {
      if ((await stat(file)).isFile()) return file
    } catch {
      // not this extension
    }
  }
  return null
}

export async function listFunctions(dir: string): Promise<string[]> {
  const names = new Set<string>()
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const ext = extname(entry.name)
    if (entry.isFile() && EXTENSIONS.includes(ext) && !entry.name.endsWith('.d.ts')) {
      const name = basename(entry.name, ext)
      if (parseFunctionName(name)?.name === name) names.add(name)
    }
  }
  return [...names].sort()
}

/** What the runtime reports when the function fails (the body of a 200 with X-Amz-Function-Error). */
export interface FunctionError {
  errorType: string
  errorMessage: string
  trace?: string[]
}

interface ErrorLike {
  name: string
  message: string
  stack: string
}

function isErrorLike(value: unknown): value is ErrorLike {
  if (types.isNativeError(value)) return true
  const v = value as Partial<ErrorLike> | null
  return typeof v === 'object' && v !== null && typeof v.name === 'string' && typeof v.message === 'string' && typeof v.stack === 'string'
}

/** The Node runtime's shape for a thrown value (aws-lambda-nodejs-runtime-interface-client Errors.js). */
export function toFunctionError(error: unknown): FunctionError {
  try {
    if (isErrorLike(error)) {
      return { errorType: String(error.name), errorMessage: String(error.message), trace: String(error.stack ?? '').split('\n') }
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] }
  } catch {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    }
  }
}

export type Handler = (event: unknown, context: LambdaContext, callback?: (error?: unknown, result?: unknown) => void) => unknown

export interface LambdaContext {
  functionName: string
  functionVersion: string
  invokedFunctionArn: string
  memoryLimitInMB: string
  awsRequestId: string
  logGroupName: string
  logStreamName: string
  clientContext?: unknown
  identity?: unknown
  callbackWaitsForEmptyEventLoop: boolean
  getRemainingTimeInMillis(): number
}

type LoadResult = { handler: Handler } | { error: FunctionError }

/** An error the runtime itself raises: its trace is the one line naming it. */
export const runtimeError = (errorType: string, errorMessage: string): FunctionError => ({
  errorType,
  errorMessage,
  trace: [`${errorType}: ${errorMessage}`],
})

/** Loads modules once per file (no reload), mapping failures to the runtime's init errors. */
export function createLoader(): (file: string) => Promise<LoadResult> {
  const modules = new Map<string, Promise<Record<string, unknown>>>()
  return async (file) => {
    let loading = modules.get(file)
    if (loading === undefined) {
      loading = import(/* @vite-ignore */ pathToFileURL(file).href) as Promise<Record<string, unknown>>
      modules.set(file, loading)
    }
    let mod: Record<string, unknown>
    try {
      mod = await loading
    } catch (error) {
      modules.delete(file)
      const { errorType, errorMessage } = toFunctionError(error)
      const type = errorType === 'SyntaxError' ? 'Runtime.UserCodeSyntaxError' : 'Runtime.ImportModuleError'
      return { error: runtimeError(type, `${errorType}: ${errorMessage}`) }
    }
    // A CommonJS module's exports arrive as the default export.
    const fromDefault = (mod.default as Record<string, unknown> | null | undefined)?.handler
    const handler = typeof mod.handler === 'function' ? mod.handler : fromDefault
    if (typeof handler !== 'function') {
      return { error: runtimeError('Runtime.HandlerNotFound', `${basename(file, extname(file))}.handler is undefined or not exported`) }
    }
    return { handler: handler as Handler }
  }
}

export type Outcome = { result: unknown } | { error: FunctionError; timedOut?: true }

/** How the runtime words a timeout, in the error and in the log. */
export const timedOutMessage = (timeoutMs: number): string => `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`

/** Runs a handler, async or callback style, until `deadline`; a timeout names the function's `timeoutMs`. */
export function runHandler(handler: Handler, event: unknown, context: LambdaContext, deadline: number, timeoutMs = TIMEOUT_MS): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    let settled = false
    const finish = (outcome: Outcome) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(outcome)
    }
    const fail = (error: unknown) => finish({ error: toFunctionError(error) })
    const timer = setTimeout(
      () => {
        finish({
          error: { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${context.awsRequestId} Error: ${timedOutMessage(timeoutMs)}` },
          timedOut: true,
        })
      },
      Math.max(0, deadline - Date.now()),
    )
    const callback = (error?: unknown, result?: unknown) => (error === undefined || error === null ? finish({ result }) : fail(error))
    try {
      const returned = handler.length >= 3 ? handler(event, context, callback) : handler(event, context)
      if (handler.length < 3 || isThenable(returned)) Promise.resolve(returned).then((result) => finish({ result }), fail)
    } catch (error) {
      fail(error)
    }
  })
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}
