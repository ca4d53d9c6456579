// The admin listener's settings (Node, Deno): ADMIN_LISTEN (`HOST:PORT`, default off) and
// ADMIN_TOKEN. Without a token the listener must be on a loopback address: whoever reaches it
// can change what the gateway serves.

import { envString } from '../env.ts'
import { ConfigError } from '../model/validate.ts'

export interface AdminSettings {
  host: string
  port: number
  /** Every request must carry it (`Authorization: Bearer …` or `Kong-Admin-Token`); a secret. */
  token?: string
}

export function readAdminSettings(env: Readonly<Record<string, unknown>>): AdminSettings | undefined {
  const listen = envString(env, 'ADMIN_LISTEN')
  const token = envString(env, 'ADMIN_TOKEN')
  if (listen === undefined || listen === 'off') {
    if (token !== undefined) throw new ConfigError([{ path: 'ADMIN_TOKEN', message: 'set without ADMIN_LISTEN: the admin listener is off' }])
    return undefined
  }
  const found = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(listen)
  const port = Number(found?.[3])
  if (!found || port > 65535)
    throw new ConfigError([{ path: 'ADMIN_LISTEN', message: `invalid value '${listen}': expected HOST:PORT (127.0.0.1:8001, [::1]:8001) or off` }])
  const host = found[1] ?? found[2]
  if (token === undefined && !isLoopback(host)) {
    throw new ConfigError([
      {
        path: 'ADMIN_LISTEN',
        message: `${host} is not a loopback address: set ADMIN_TOKEN to serve the admin API beyond this machine, or listen on 127.0.0.1`,
      },
    ])
  }
  if (token !== undefined && token.length < 16) throw new ConfigError([{ path: 'ADMIN_TOKEN', message: 'too short: use at least 16 characters' }])
  return { host, port, ...(token === undefined ? {} : { token }) }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}
