// A stand-in for the gateway whose answers no server can write as they are, for each runtime's
// server (Node's, Deno's, the Worker's answer path): a header value with a control character
// (Node throws, Deno's writer panics) and headers that throw when read, with a library's
// wording. Each must become the sanitised 500 with X-Request-Id, one JSON log line, and
// `sent(500)` for the request's log line; the server keeps serving.

import type { RequestHandler } from '../../src/pipeline/exchange.ts'
import type { E2E } from '../e2e/harness.ts'

/** What a library would say; it must never reach a client. */
const LIBRARY_TEXT = 'Invalid character in header content ["location"]'

export const UNWRITABLE_PATHS = ['/control-character', '/throwing-headers'] as const

export interface UnwritableHandler extends RequestHandler {
  /** [request id, status] for every `sent` call. */
  sent: Array<[string, number]>
}

export function unwritableHandler(): UnwritableHandler {
  const sent: Array<[string, number]> = []
  let count = 0
  return {
    sent,
    async handle(request) {
      const requestId = `unwritable-${++count}`
      const path = new URL(request.url).pathname
      let response: Response
      if (path === '/control-character') response = new Response('redirecting', { status: 302, headers: { location: '/home\x0bx' } })
      else if (path === '/throwing-headers') {
        response = new Response('never sent')
        Object.defineProperty(response, 'headers', {
          get() {
            throw new TypeError(LIBRARY_TEXT)
          },
        })
      } else response = new Response('fine')
      return { response, requestId, sent: (status) => void sent.push([requestId, status]) }
    },
  }
}

/**
 * Sends each unwritable answer's request through `send` (a real server) and checks what the
 * client and the log got; `logs` is every line the server's logger wrote.
 */
export async function expectUnwritableAnswersSanitised(
  t: Pick<E2E, 'equal' | 'ok'>,
  handler: UnwritableHandler,
  send: (path: string) => Promise<Response>,
  logs: string[],
): Promise<void> {
  for (const path of UNWRITABLE_PATHS) {
    const before = logs.length
    const response = await send(path)
    const requestId = handler.sent.at(-1)?.[0]
    t.equal(response.status, 500, `${path}: status`)
    t.equal(response.headers.get('x-request-id'), requestId, `${path}: x-request-id`)
    t.equal(response.headers.get('content-type'), 'application/json; charset=utf-8', `${path}: content type`)
    t.equal(await response.text(), JSON.stringify({ message: 'An unexpected error occurred', request_id: requestId }), `${path}: body`)
    t.equal(handler.sent.at(-1), [requestId, 500], `${path}: the request's log line says 500`)
    const lines = logs.slice(before)
    t.ok(
      lines.every((line) => line.startsWith('{') && JSON.parse(line)),
      `${path}: one JSON object per log line, no stack: ${lines.join('\n')}`,
    )
    const failures = lines.filter((line) => JSON.parse(line).msg.startsWith('answer not sent: '))
    t.equal(failures.length, 1, `${path}: logged once`)
    t.equal(JSON.parse(failures[0]).request_id, requestId, `${path}: logged with its request id`)
  }
  const fine = await send('/fine')
  t.equal([fine.status, await fine.text()], [200, 'fine'], 'still serving')
}
