// CLI: `node src/emulator/main.ts [--functions DIR] [--port N] [--host H]` runs the local
// Lambda emulator alone, for anyone testing a Lambda client against it.

import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { describeError } from '../log.ts'
import { listFunctions } from './functions.ts'
import { reportStrayFunctionErrors } from './invocation-log.ts'
import { DEMO_CREDENTIALS, type RunningEmulator, startEmulator } from './server.ts'

const USAGE = 'usage: node src/emulator/main.ts [--functions DIR] [--port N] [--host H]'

interface CliOptions {
  functionsDir: string
  port: number
  host: string
}

/** The options, or an error message. */
function parseCliArgs(argv: string[]): CliOptions | { error: string } | { help: true } {
  let values: { functions?: string; port?: string; host?: string; help?: boolean }
  try {
    values = parseArgs({
      args: argv,
      options: { functions: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values
  } catch (error) {
    return { error: describeError(error) }
  }
  if (values.help) return { help: true }
  const port = values.port ?? '9001'
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) return { error: `--port must be a number from 0 to 65535, not '${port}'` }
  if (values.host === '') return { error: '--host must not be empty' }
  if (values.functions === '') return { error: '--functions must not be empty' }
  return { functionsDir: resolve(values.functions ?? 'examples/functions'), port: Number(port), host: values.host ?? '127.0.0.1' }
}

/** Starts the emulator after checking the arguments; else the exit code (after printing why). */
async function runCli(argv: string[]): Promise<RunningEmulator | number> {
  const parsed = parseCliArgs(argv)
  if ('help' in parsed) {
    console.log(USAGE)
    return 0
  }
  if ('error' in parsed) {
    console.error(`lambda emulator: ${parsed.error}\n${USAGE}`)
    return 1
  }
  const isDir = await stat(parsed.functionsDir).then(
    (s) => s.isDirectory(),
    () => false,
  )
  if (!isDir) {
    console.error(`lambda emulator: functions directory not found: ${parsed.functionsDir}`)
    return 1
  }
  const names = await listFunctions(parsed.functionsDir)
  let running: RunningEmulator
  try {
    running = await startEmulator({ functionsDir: parsed.functionsDir, port: parsed.port, host: parsed.host })
  } catch (error) {
    console.error(`lambda emulator: cannot listen on ${parsed.host}:${parsed.port}: ${describeError(error)}`)
    return 1
  }
  console.log(`Lambda emulator listening on ${running.url}`)
  console.log(`functions (${parsed.functionsDir}): ${names.length === 0 ? '(none yet)' : names.join(', ')}`)
  console.log(`sign with access key id ${DEMO_CREDENTIALS.accessKeyId} (service lambda, any region)`)
  if (!isLoopback(parsed.host)) {
    // The key is public and the functions run with this process's rights.
    console.error(
      `lambda emulator: warning: listening on ${parsed.host}, not loopback: anyone who can reach it can run these functions with the public demo key`,
    )
  }
  return running
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

if (import.meta.main) {
  reportStrayFunctionErrors()
  const running = await runCli(process.argv.slice(2))
  if (typeof running === 'number') process.exit(running)
  const stop = () => void running.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
