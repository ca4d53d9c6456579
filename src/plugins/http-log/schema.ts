// The `http-log` plugin's `config`, as Kong's kong/plugins/http-log/schema.lua has it
// (https://github.com/Kong/kong/blob/master/kong/plugins/http-log/schema.lua).

import { checkHeaderName, checkHttpUrl, type Schema, type Validated } from '../../model/schema.ts'
import { queueSchema } from '../../queue/schema.ts'
import { luaRefused } from '../shared/lua-refused.ts'

/** The headers the plugin sets itself. */
const OWN_HEADERS = ['Host', 'Content-Length', 'Content-Type']

export const httpLogSchema = {
  http_endpoint: { type: 'string', required: true, referenceable: true, check: checkHttpUrl },
  method: { type: 'string', default: 'POST', oneOf: ['POST', 'PUT', 'PATCH'] },
  content_type: { type: 'string', default: 'application/json', oneOf: ['application/json', 'application/json; charset=utf-8'] },
  timeout: { type: 'number', default: 10000 },
  keepalive: { type: 'number', default: 60000, ignored: true },
  retry_count: { type: 'integer', ignored: true },
  queue_size: { type: 'integer' },
  flush_timeout: { type: 'number' },
  headers: {
    type: 'map',
    keys: { type: 'string', check: checkHeaderName },
    values: { type: 'string', referenceable: true, check: (value) => (value === '' ? 'length must be at least 1' : undefined) },
    check: (headers) => {
      const own = OWN_HEADERS.find((name) => Object.keys(headers).some((key) => key.toLowerCase() === name.toLowerCase()))
      return own && `cannot contain '${own}' header`
    },
  },
  queue: queueSchema,
  custom_fields_by_lua: luaRefused,
} as const satisfies Schema

export type HttpLogConfig = Validated<typeof httpLogSchema>

/** Kong's custom validator. */
export function checkHttpLogEntity(config: HttpLogConfig): string[] {
  // Run on a config with problems too: an endpoint that does not parse is already one.
  const userinfo = URL.canParse(config.http_endpoint) && new URL(config.http_endpoint).username !== ''
  if (userinfo && Object.keys(config.headers ?? {}).some((name) => name.toLowerCase() === 'authorization')) {
    return ["specifying both an 'Authorization' header and user info in 'http_endpoint' is not allowed"]
  }
  return []
}
