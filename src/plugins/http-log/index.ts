// The http-log plugin (Kong's kong/plugins/http-log, priority 12): each request's Kong log entry
// (src/pipeline/serialize.ts) is queued and sent as JSON to `http_endpoint` in batches, off the
// request's path, with retries and a bounded queue (src/queue/). On Workers the sending is the
// log phase's returned work, kept alive past the answer
// (https://github.com/Kong/kong/blob/master/kong/plugins/http-log/handler.lua).

import { bytesToBase64 } from '../../encoding/base64.ts'
import { unsendableText } from '../../http/field-syntax.ts'
import { utf8Field } from '../../http/field-text.ts'
import { describeError } from '../../log.ts'
import { ConfigError, joinPath } from '../../model/validate.ts'
import type { PluginDefinition } from '../../pipeline/plugin.ts'
import { serialize } from '../../pipeline/serialize.ts'
import { legacyQueueSettings } from '../../queue/legacy.ts'
import { createQueue } from '../../queue/queue.ts'
import type { Fetch } from '../../transport.ts'
import { checkHttpLogEntity, type HttpLogConfig, httpLogSchema } from './schema.ts'

const encoder = new TextEncoder()

export const httpLogPlugin: PluginDefinition<typeof httpLogSchema> = {
  name: 'http-log',
  priority: 12,
  schema: httpLogSchema,
  check: checkHttpLogEntity,
  create(config, setup) {
    // Checked once their vault references are resolved: a value no server can take would fail every batch.
    const problems = Object.entries(config.headers ?? {}).flatMap(([name, value]) => {
      const message = unsendableText(value as string)
      return message === undefined ? [] : [{ path: joinPath(joinPath(setup.path, 'headers'), name), message }]
    })
    if (problems.length > 0) throw new ConfigError(problems)
    // One queue for the instances of one config (a global or a service's plugin serves each
    // route with its own), which a reload to the same config keeps, waiting entries and all.
    const make = () => {
      const fetch = setup.services.once('http-log', () => setup.services.transport({ proxyUrl: undefined, verifyTls: true }))
      const settings = legacyQueueSettings('http-log', config, setup)
      const send = sender(config, fetch, settings.max_batch_size)
      return createQueue<string>(settings, send, {
        name: `http-log ${setup.path.replace(/\.config$/, '')}`,
        log: setup.log,
        bytes: (entry) => encoder.encode(entry).byteLength,
        sendTimeoutMs: config.timeout,
      })
    }
    const queue = setup.services.keptWhileUsed(`http-log ${JSON.stringify(config)}`, make, (kept) => kept.flush())
    return {
      log: (ctx, served) => queue.add(JSON.stringify(serialize(ctx, served))),
    }
  },
}

/** Sends a batch: one entry as itself when batches are of one (Kong's), else a JSON array. */
function sender(config: HttpLogConfig, fetch: Fetch, batchSize: number): (batch: string[]) => Promise<void> {
  const url = new URL(config.http_endpoint)
  // Values are text, sent as their UTF-8 bytes, as Kong sends them.
  const headers = new Headers(Object.entries(config.headers ?? {}).map(([name, value]) => [name, utf8Field(value as string)]))
  headers.set('content-type', config.content_type)
  if (url.username !== '' || url.password !== '') {
    // Kong sends the endpoint's user info as Basic credentials, as written (percent-encoded).
    headers.set('authorization', `Basic ${bytesToBase64(encoder.encode(`${url.username}:${url.password}`))}`)
    url.username = ''
    url.password = ''
  }
  const endpoint = url.href
  const target = url.host
  return async (batch) => {
    const body = batchSize === 1 ? batch[0] : `[${batch.join(',')}]`
    let response: Response
    let text: string
    try {
      response = await fetch(endpoint, { method: config.method, headers, body, signal: AbortSignal.timeout(config.timeout) })
      text = await response.text()
    } catch (error) {
      throw new Error(`failed request to ${target}: ${describeError(error)}`)
    }
    if (response.status >= 300) throw new Error(`request to ${target} returned status code ${response.status} and body ${text.slice(0, 256)}`)
  }
}
