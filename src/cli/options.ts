// Command line of the Node and Deno entries: --config FILE [--port N] [--https-port N] [--host H] [--watch].

import { parseArgs } from 'node:util'

export interface ServerOptions {
  configPath: string
  port: number
  /** `--https-port` or `HTTPS_PORT`: the https listener, serving the file's certificates (none without it). */
  httpsPort?: number
  host: string
  /** `--watch`: reload the file whenever it changes (for development). */
  watch: boolean
  /** `STATUS_LISTEN`: where `/metrics` and `/status` are served; none when `off` (the default). */
  statusListen?: { host: string; port: number }
}

export const USAGE = 'usage: lambda-gateway --config FILE [--port N] [--https-port N] [--host H] [--watch]'

/** Throws an Error with a message for the user on a bad command line. */
export function parseServerOptions(argv: string[], env: Readonly<Record<string, string | undefined>>): ServerOptions {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string' }, port: { type: 'string' }, 'https-port': { type: 'string' }, host: { type: 'string' }, watch: { type: 'boolean' } },
    strict: true,
    allowPositionals: false,
  })
  if (!values.config) throw new Error(`--config FILE is required\n${USAGE}`)
  const port = readPort(values.port ?? env.PORT ?? '8000', 'port')
  const httpsPortText = values['https-port'] ?? env.HTTPS_PORT
  const httpsPort = httpsPortText === undefined ? undefined : readPort(httpsPortText, 'https port')
  const statusListen = readStatusListen(env.STATUS_LISTEN ?? 'off')
  if (statusListen && statusListen.port !== 0 && (statusListen.port === port || statusListen.port === httpsPort)) {
    throw new Error(`invalid STATUS_LISTEN '${env.STATUS_LISTEN}': the status listener never shares the proxy's port`)
  }
  return {
    configPath: values.config,
    port,
    ...(httpsPort === undefined ? {} : { httpsPort }),
    host: values.host ?? '0.0.0.0',
    watch: values.watch === true,
    ...(statusListen ? { statusListen } : {}),
  }
}

/** Kong's `status_listen` address without flags: `HOST:PORT` (`[::1]:8100` for IPv6), a bare port on 127.0.0.1, or `off`. */
function readStatusListen(text: string): ServerOptions['statusListen'] {
  if (text === 'off') return undefined
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[\w.-]+):)?(\d+)$/.exec(text)
  if (!match) throw new Error(`invalid STATUS_LISTEN '${text}': expected HOST:PORT (like 127.0.0.1:8100), a port, or off`)
  return { host: match[1]?.replace(/^\[(.*)\]$/, '$1') ?? '127.0.0.1', port: readPort(match[2], 'STATUS_LISTEN port') }
}

function readPort(text: string, what: string): number {
  const port = Number(text)
  if (!/^\d+$/.test(text) || port > 65535) throw new Error(`invalid ${what} '${text}': expected 0-65535`)
  return port
}
