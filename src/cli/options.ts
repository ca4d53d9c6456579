// Command line of the Node and Deno entries: --config FILE [--port N] [--host H].

import { parseArgs } from 'node:util'

export interface ServerOptions {
  configPath: string
  port: number
  host: string
}

export const USAGE = 'usage: lambda-gateway --config FILE [--port N] [--host H]'

/** Throws an Error with a message for the user on a bad command line. */
export function parseServerOptions(argv: string[], env: Readonly<Record<string, string | undefined>>): ServerOptions {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  })
  if (!values.config) throw new Error(`--config FILE is required\n${USAGE}`)
  const portText = values.port ?? env.PORT ?? '8000'
  const port = Number(portText)
  if (!/^\d+$/.test(portText) || port > 65535) throw new Error(`invalid port '${portText}': expected 0-65535`)
  return { configPath: values.config, port, host: values.host ?? '0.0.0.0' }
}
