// http-log against a real loopback log collector (Kong's spec/03-plugins/03-http-log/01-log_spec.lua
// where it applies): Kong's log entry for each request, one JSON object per send with batches of
// one and a JSON array with larger ones, the endpoint's user info as Basic credentials, the
// configured headers, method and content type, retries until the collector takes the entries,
// the failure of an unreachable collector logged, and the instances of a global plugin sharing
// one queue. The log phase returns the sending as its work, which the answer never waits for.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGateway, createLastingState, type LastingState } from '../../../src/gateway.ts'
import { createLogger } from '../../../src/log.ts'
import { buildGatewayConfig } from '../../../src/model/declarative.ts'
import { writableAnswer } from '../../../src/pipeline/exchange.ts'
import type { LogEntry } from '../../../src/pipeline/serialize.ts'
import { closedPort } from '../../support/closed-port.ts'
import type { LogsSeen } from '../../support/log-collector-types.ts'
import { startUpstreamServers, type UpstreamServers } from '../../support/upstream-servers.ts'

let upstreams: UpstreamServers
beforeAll(async () => {
  upstreams = await startUpstreamServers()
})
afterAll(() => upstreams.close())

let collector = 0
/** A fresh collector id and the endpoint for it. */
function endpoint(query = '', userinfo = ''): { id: string; url: string } {
  const id = `http-log-${++collector}`
  return { id, url: `http://${userinfo}127.0.0.1:${upstreams.echoPort}/__logs/${id}${query}` }
}

const seen = async (id: string): Promise<LogsSeen> => (await fetch(`${upstreams.echoUrl}/__logs/${id}`)).json()

/** The request URIs of the entries one send carried as a batch. */
const batchUris = (sent: { body: string }) => (JSON.parse(sent.body) as LogEntry[]).map((e) => e.request.uri)

/** A gateway whose routes answer 200 themselves (request-termination), with http-log as given. */
function gateway(plugin: Record<string, unknown>, { global = false, lasting }: { global?: boolean; lasting?: LastingState } = {}) {
  const lines: Array<Record<string, unknown>> = []
  const log = createLogger('debug', (line) => lines.push(JSON.parse(line)))
  const terminate = { name: 'request-termination', config: { status_code: 200, message: 'ok' } }
  const httpLog = { name: 'http-log', config: plugin }
  const document = {
    _format_version: '3.0',
    routes: [
      { name: 'one', paths: ['/one'], plugins: global ? [terminate] : [terminate, httpLog] },
      { name: 'two', paths: ['/two'], plugins: [terminate] },
    ],
    ...(global ? { plugins: [httpLog] } : {}),
  }
  const handler = createGateway({ config: buildGatewayConfig(document, {}), env: {}, log, ...(lasting ? { lasting } : {}) })
  return {
    lines,
    close: () => handler.close?.(),
    /** The answer, and the log phase's work. */
    async send(path: string, init: RequestInit = {}) {
      const exchange = await handler.handle(new Request(`http://gateway.test${path}`, init))
      let work: Promise<unknown> | undefined
      const response = writableAnswer(exchange, log, (w) => {
        work = w
      })
      return { response, work }
    },
  }
}

describe('http-log', () => {
  it("sends Kong's log entry of each request, one JSON object per send with the default batch of one", async () => {
    const { id, url } = endpoint()
    const { send } = gateway({ http_endpoint: url })
    const { response, work } = await send('/one/x?apikey=secret-1&a=b', { headers: { authorization: 'Bearer secret-2', 'x-kept': 'yes' } })
    expect(response.status).toBe(200)
    expect(work).toBeInstanceOf(Promise)
    await work
    const { received } = await seen(id)
    expect(received).toHaveLength(1)
    const [sent] = received
    expect(sent.method).toBe('POST')
    expect(sent.headers['content-type']).toBe('application/json')
    expect(sent.headers.host).toBe(`127.0.0.1:${upstreams.echoPort}`)
    const entry = JSON.parse(sent.body) as LogEntry
    expect(entry.request).toMatchObject({ method: 'GET', uri: '/one/x?apikey=REDACTED&a=b', querystring: { apikey: 'REDACTED', a: 'b' } })
    expect(entry.request.headers).toMatchObject({ authorization: 'REDACTED', 'x-kept': 'yes' })
    expect(entry.response.status).toBe(200)
    expect(entry.route.name).toBe('one')
    expect(entry.request.id).toBe(response.headers.get('x-request-id'))
    expect(sent.body).not.toContain('secret-')
  })

  it('sends a JSON array with a larger batch; PUT, the charset content type, its headers and the user info as Basic credentials', async () => {
    const { id, url } = endpoint('', 'testuser:testpassword@')
    const { send } = gateway({
      http_endpoint: url,
      method: 'PUT',
      content_type: 'application/json; charset=utf-8',
      headers: { 'hello-world': 'hi there', 'x-town': '東京' },
      queue: { max_batch_size: 2, max_coalescing_delay: 60 },
    })
    const first = await send('/one/a')
    const second = await send('/one/b')
    // The second fills the batch and sends it; the first's work is the wait for it (kept alive on Workers).
    expect(first.work).toBeInstanceOf(Promise)
    await second.work
    const { received } = await seen(id)
    expect(received).toHaveLength(1)
    const [sent] = received
    expect(sent.method).toBe('PUT')
    expect(sent.headers['content-type']).toBe('application/json; charset=utf-8')
    // Kong's spec: Basic dGVzdHVzZXI6dGVzdHBhc3N3b3Jk.
    expect(sent.headers.authorization).toBe('Basic dGVzdHVzZXI6dGVzdHBhc3N3b3Jk')
    expect(sent.headers['hello-world']).toBe('hi there')
    // Text beyond Latin-1 goes as its UTF-8 bytes, as Kong sends it (the collector reads a character per byte).
    expect(sent.headers['x-town']).toBe(String.fromCharCode(...new TextEncoder().encode('東京')))
    expect(batchUris(sent)).toEqual(['/one/a', '/one/b'])
  })

  it('tries a batch the collector refused again, with backoff, until it is taken', async () => {
    const { id, url } = endpoint('?fail=2')
    const { send, lines } = gateway({ http_endpoint: url, queue: { initial_retry_delay: 0.01 } })
    await (await send('/one')).work
    const logs = await seen(id)
    expect(logs.attempts).toBe(3)
    expect(logs.received).toHaveLength(1)
    const warnings = lines.filter((l) => l.msg === 'queue http-log routes[0].plugins[1]: handler could not process entries')
    expect(warnings).toHaveLength(2)
    expect(warnings[0].error).toBe(`request to 127.0.0.1:${upstreams.echoPort} returned status code 500 and body collector refused`)
  })

  it('logs a collector it cannot reach, and gives the batch up after max_retry_time, the credentials never in a line', async () => {
    const port = await closedPort()
    const { send, lines } = gateway({ http_endpoint: `http://user:pass-secret@127.0.0.1:${port}/logs`, queue: { max_retry_time: 0 } })
    const { response, work } = await send('/one')
    expect(response.status).toBe(200)
    await work
    const warning = lines.find((l) => l.msg === 'queue http-log routes[0].plugins[1]: handler could not process entries')
    expect(String(warning?.error)).toMatch(new RegExp(`^failed request to 127.0.0.1:${port}: `))
    expect(lines.at(-1)).toMatchObject({ level: 'error', msg: expect.stringContaining('1 queue entries were lost') })
    expect(JSON.stringify(lines)).not.toContain('pass-secret')
  })

  it("shares one queue between a global plugin's instances on every route: one batch holds both routes' entries", async () => {
    const { id, url } = endpoint()
    const { send } = gateway({ http_endpoint: url, queue: { max_batch_size: 2, max_coalescing_delay: 60 } }, { global: true })
    const first = await send('/one')
    const second = await send('/two')
    // The second fills the batch and sends it; the first's work is the wait for it (kept alive on Workers).
    expect(first.work).toBeInstanceOf(Promise)
    await second.work
    const { received } = await seen(id)
    expect(received).toHaveLength(1)
    expect((JSON.parse(received[0].body) as LogEntry[]).map((e) => e.route.name)).toEqual(['one', 'two'])
  })

  it('sends what waits for its batch when the server closes, which waits for it', async () => {
    const { id, url } = endpoint()
    const { send, close } = gateway({ http_endpoint: url, queue: { max_batch_size: 10, max_coalescing_delay: 3600 } })
    await send('/one/a')
    await send('/one/b')
    expect((await seen(id)).received).toHaveLength(0)
    await close()
    const { received } = await seen(id)
    expect(received).toHaveLength(1)
    expect(batchUris(received[0])).toEqual(['/one/a', '/one/b'])
  })

  it("keeps what waits through a reload to the same config: sent in the next batch, not at the old configuration's close", async () => {
    const { id, url } = endpoint()
    const lasting = createLastingState()
    const plugin = { http_endpoint: url, queue: { max_batch_size: 3, max_coalescing_delay: 3600 } }
    const before = gateway(plugin, { lasting })
    await before.send('/one/a')
    await before.send('/one/b')
    // As a reload does: the next configuration is built, then the one before closes.
    const after = gateway(plugin, { lasting })
    await before.close()
    expect((await seen(id)).received).toHaveLength(0)
    await (await after.send('/one/c')).work
    const { received } = await seen(id)
    expect(received).toHaveLength(1)
    expect(batchUris(received[0])).toEqual(['/one/a', '/one/b', '/one/c'])
  })

  it('a reload to a config without that queue sends what waits in it when the configuration before closes', async () => {
    const { id, url } = endpoint()
    const lasting = createLastingState()
    const before = gateway({ http_endpoint: url, queue: { max_batch_size: 3, max_coalescing_delay: 3600 } }, { lasting })
    await before.send('/one/a')
    gateway({ http_endpoint: endpoint().url }, { lasting })
    await before.close()
    const { received } = await seen(id)
    expect(received).toHaveLength(1)
    expect(batchUris(received[0])).toEqual(['/one/a'])
  })

  it('sends at once, unqueued, with concurrency_limit -1', async () => {
    const { id, url } = endpoint()
    const { send } = gateway({ http_endpoint: url, queue: { concurrency_limit: -1, max_batch_size: 10 } })
    await Promise.all([(await send('/one/a')).work, (await send('/one/b')).work])
    const { received } = await seen(id)
    // Each on its own, in an array as batches larger than one are (Kong's).
    expect(received.map(batchUris).sort()).toEqual([['/one/a'], ['/one/b']])
  })
})
