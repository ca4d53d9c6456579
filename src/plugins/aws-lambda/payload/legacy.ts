// Kong's default payload: query arguments merged with the parsed body, the body winning.

import { parseArgs } from '../../../http/url-args.ts'
import { parseBodyArgs } from '../request-args.ts'
import type { PayloadFormat } from './format.ts'

export const legacyPayload = (): PayloadFormat => ({
  async build(request) {
    const query = parseArgs(request.url.search.slice(1))
    const parsed = await parseBodyArgs(request.headers.get('content-type'), request.body, request.bodyTooLarge)
    if (request.bodyTooLarge && parsed.kind === 'invalid') {
      request.log.warn('request body larger than the client body buffer is not parsed into the payload', {
        request_id: request.requestId,
        bytes: request.body?.byteLength,
      })
    }
    if (parsed.kind !== 'parsed') return JSON.stringify(query)
    const body = parsed.args
    if (!Array.isArray(body)) return JSON.stringify({ ...query, ...body })
    if (Object.keys(query).length === 0) return JSON.stringify(body)
    // Kong (Lua) merges an array into the query table under the keys "1", "2", ...
    return JSON.stringify({ ...query, ...Object.fromEntries(body.map((item, i) => [String(i + 1), item])) })
  },
})
