// http-log and file-log end to end (issue 17): a Lambda route's Kong log entry reaching the echo
// upstream's log collector (test/support/log-collector.ts) on every runtime (in workerd through
// the log phase's work kept alive with waitUntil), batched, retried, with its secrets redacted;
// and, where there is a file system (Node, Deno), appended to a file.

import { FILE_LOG_PATH, type LogsSeen } from '../support/log-collector-types.ts'
import { type Case, type E2E, get } from './harness.ts'

interface Entry {
  request: { id: string; headers: Record<string, string>; querystring: Record<string, unknown>; uri: string }
  response: { status: number; size: number }
  route: { name: string }
  latencies: { kong: number; proxy: number; request: number }
  source: string
  upstream_status: string
  client_ip: string
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A request id of this run (the gateway takes the client's X-Request-Id, and logs under it). */
const requestId = (name: string) => `logs-${name}-${Date.now()}-${Math.random().toString(36).slice(2)}`

/** Polls `read` until `find` finds something in it: sending happens after the answer. Bounded, never a timing goal. */
async function eventually<T, R>(read: () => Promise<T>, find: (value: T) => R | undefined, what: string): Promise<{ found: R; value: T }> {
  for (let i = 0; i < 300; i++) {
    const value = await read()
    const found = find(value)
    if (found !== undefined) return { found, value }
    await sleep(50)
  }
  throw new Error(`never arrived: ${what}`)
}

const collected = (t: E2E, id: string) => async (): Promise<LogsSeen> => (await fetch(`${t.upstreamUrl}/__logs/${id}`)).json()

/** Every entry of a send: one object, or a batch's array. */
const entriesOf = (body: string): Entry[] => {
  const parsed = JSON.parse(body) as Entry | Entry[]
  return Array.isArray(parsed) ? parsed : [parsed]
}

export const logsCases: Case[] = [
  {
    name: "http-log: a Lambda route's Kong log entry reaches the collector, the Lambda call as its proxy latency, its secrets redacted",
    async run(t) {
      const id = requestId('http')
      const headers = { 'x-request-id': id, authorization: 'Bearer s3cr3t-auth', cookie: 'session=s3cr3t-cookie' }
      const response = await t.send({ ...get('http.logs.test', '/get?apikey=s3cr3t-query&a=1'), headers })
      t.equal(response.status, 200, 'status')
      await response.text()
      const { found } = await eventually(
        collected(t, 'e2e-http'),
        (seen) => seen.received.find((sent) => entriesOf(sent.body).some((e) => e.request.id === id)),
        'the entry',
      )
      t.equal(found.method, 'POST', 'method')
      t.equal(found.headers['content-type'], 'application/json', 'content type')
      t.equal(found.headers['x-log-source'], 'e2e-log-source-token', 'configured header')
      const [entry] = entriesOf(found.body)
      t.equal(entry.route.name, 'http.logs.test', 'route')
      t.equal(entry.response.status, 200, 'status logged')
      t.equal(entry.source, 'kong', 'answered by the plugin, as Kong says of aws-lambda')
      t.equal(entry.upstream_status, '', 'no service status')
      t.ok(entry.latencies.proxy >= 0, 'the Lambda call is the proxy latency')
      t.ok(entry.latencies.request >= entry.latencies.proxy, 'request latency covers it')
      t.ok(entry.response.size > 0, 'bytes sent')
      t.equal(entry.client_ip, t.sourceIp, 'client ip')
      t.equal(entry.request.headers.authorization, 'REDACTED', 'authorization')
      t.equal(entry.request.headers.cookie, 'REDACTED', 'cookie')
      t.equal(entry.request.querystring, { apikey: 'REDACTED', a: '1' }, 'query')
      t.ok(!found.body.includes('s3cr3t'), 'no secret in what was sent')
    },
  },
  {
    name: "http-log: two requests' entries sent in one batch as a JSON array, PUT, the endpoint's user info as Basic credentials",
    async run(t) {
      const ids = [requestId('batch-a'), requestId('batch-b')]
      for (const id of ids) {
        const response = await t.send({ ...get('batch.logs.test', '/'), headers: { 'x-request-id': id } })
        t.equal(response.status, 200, 'status')
        await response.text()
      }
      const { found } = await eventually(
        collected(t, 'e2e-batch'),
        (seen) => seen.received.find((sent) => entriesOf(sent.body).some((e) => e.request.id === ids[0])),
        'the batch',
      )
      t.equal(found.method, 'PUT', 'method')
      t.equal(found.headers.authorization, `Basic ${btoa('log-user:log-pass')}`, 'user info as Basic credentials')
      t.ok(found.body.startsWith('['), 'a JSON array')
      t.equal(
        entriesOf(found.body).map((e) => e.request.id),
        ids,
        'both entries, in order',
      )
    },
  },
  {
    name: 'http-log: a batch the collector refused is sent again, with backoff, until it is taken',
    async run(t) {
      const id = requestId('retry')
      const response = await t.send({ ...get('retry.logs.test', '/'), headers: { 'x-request-id': id } })
      t.equal(response.status, 200, 'status')
      await response.text()
      const { value } = await eventually(
        collected(t, 'e2e-retry'),
        (seen) => seen.received.find((sent) => entriesOf(sent.body).some((e) => e.request.id === id)),
        'the retried entry',
      )
      t.ok(value.attempts >= 3, 'refused twice, then taken')
    },
  },
  {
    name: "file-log: the request's Kong log entry appended to the file as one JSON line",
    // A Worker has no file system: file-log is refused there at load (test/workers/file-log.test.ts).
    skipIn: ['workerd'],
    async run(t) {
      const id = requestId('file')
      const response = await t.send({ ...get('file.logs.test', '/'), headers: { 'x-request-id': id, authorization: 'Basic s3cr3t' } })
      t.equal(response.status, 200, 'status')
      await response.text()
      // Named at run time: the workerd bundle never resolves node:fs.
      const fsModule = 'node:fs/promises'
      const fs = (await import(/* @vite-ignore */ fsModule)) as { readFile(path: string, encoding: 'utf8'): Promise<string> }
      const read = () => fs.readFile(FILE_LOG_PATH, 'utf8').catch(() => '')
      // Whole lines only: the last piece may be a line still being written.
      const lines = (text: string) => text.split('\n').slice(0, -1)
      const { found } = await eventually(read, (text) => lines(text).find((line) => line.includes(`"id":"${id}"`)), 'the line')
      const entry = JSON.parse(found) as Entry
      t.equal(entry.route.name, 'file.logs.test', 'route')
      t.equal(entry.request.headers.authorization, 'REDACTED', 'authorization')
      t.ok(entry.latencies.proxy >= 0, 'the Lambda call is the proxy latency')
    },
  },
]
