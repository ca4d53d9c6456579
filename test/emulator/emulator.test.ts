// The local Lambda emulator over real HTTP: requests signed with aws4fetch (the gateway's
// signer) and with @smithy/signature-v4 (the AWS SDK's), sent byte for byte with node:http.

import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Sha256 } from '@aws-crypto/sha256-js'
import { SignatureV4 } from '@smithy/signature-v4'
import { AwsV4Signer } from 'aws4fetch'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_CREDENTIALS, type RunningEmulator, startEmulator } from '../../src/emulator/server.ts'

const FUNCTIONS_DIR = fileURLToPath(new URL('./functions', import.meta.url))
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const { accessKeyId: KEY, secretAccessKey: SECRET } = DEMO_CREDENTIALS
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

interface Sent {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json(): unknown
}

interface Wire {
  method?: string
  /** path and query exactly as they go on the request line */
  path: string
  headers: Record<string, string>
  body?: string | Buffer
  /** write the body in pieces without Content-Length (chunked) */
  chunked?: boolean
  /** send Expect: 100-continue and the body only once the server asks for it */
  expectContinue?: boolean
  onContinue?: () => void
}

function send(baseUrl: string, wire: Wire): Promise<Sent> {
  const url = new URL(baseUrl)
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: wire.method ?? 'POST', path: wire.path, headers: wire.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', reject)
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) })
        })
      },
    )
    req.on('error', reject)
    if (wire.expectContinue) {
      req.setHeader('Expect', '100-continue')
      req.on('continue', () => {
        wire.onContinue?.()
        req.end(wire.body)
      })
      req.flushHeaders()
    } else if (wire.chunked && wire.body !== undefined) {
      const bytes = Buffer.from(wire.body)
      for (let i = 0; i < bytes.length; i += 65536) req.write(bytes.subarray(i, i + 65536))
      req.end()
    } else {
      req.end(wire.body)
    }
  })
}

interface SignOptions {
  body?: string | Buffer
  headers?: Record<string, string>
  query?: string
  region?: string
  accessKeyId?: string
  secretAccessKey?: string
  datetime?: string
}

/** aws4fetch, as the gateway signs; `pathName` goes into the URL as given. */
async function signAws4fetch(baseUrl: string, pathName: string, options: SignOptions = {}): Promise<Wire> {
  const path = `/2015-03-31/functions/${pathName}/invocations${options.query ?? ''}`
  const body = options.body ?? '{}'
  const signer = new AwsV4Signer({
    method: 'POST',
    url: `${baseUrl}${path}`,
    headers: { 'Content-Type': 'application/json', ...options.headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
    accessKeyId: options.accessKeyId ?? KEY,
    secretAccessKey: options.secretAccessKey ?? SECRET,
    service: 'lambda',
    region: options.region ?? 'us-east-1',
    datetime: options.datetime,
  })
  const signed = await signer.sign()
  const headers: Record<string, string> = {}
  signed.headers.forEach((value, name) => {
    headers[name] = value
  })
  return { path: `${signed.url.pathname}${signed.url.search}`, headers, body }
}

/** @smithy/signature-v4 as the AWS SDK uses it: the name encoded like encodeURIComponent, the query as an object. */
async function signSmithy(baseUrl: string, functionName: string, options: SignOptions & { qualifier?: string; applyChecksum?: boolean } = {}): Promise<Wire> {
  const url = new URL(baseUrl)
  const path = `/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`
  const body = typeof options.body === 'string' || options.body === undefined ? (options.body ?? '{}') : options.body.toString('utf8')
  const query: Record<string, string> = options.qualifier === undefined ? {} : { Qualifier: options.qualifier }
  const signer = new SignatureV4({
    service: 'lambda',
    region: options.region ?? 'us-east-1',
    credentials: { accessKeyId: options.accessKeyId ?? KEY, secretAccessKey: options.secretAccessKey ?? SECRET },
    sha256: Sha256,
    applyChecksum: options.applyChecksum,
  })
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path,
    query,
    headers: { host: url.host, 'content-type': 'application/octet-stream', ...options.headers },
    body,
  })
  const search = options.qualifier === undefined ? '' : `?Qualifier=${encodeURIComponent(options.qualifier).replace(/\$/g, '%24')}`
  return { path: `${path}${search}`, headers: signed.headers as Record<string, string>, body }
}

const decodeTail = (sent: Sent) => Buffer.from(String(sent.headers['x-amz-log-result']), 'base64')

let emulator: RunningEmulator
const logLines: string[] = []
const logged = () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>)
let tmp: string

beforeAll(async () => {
  emulator = await startEmulator({ functionsDir: FUNCTIONS_DIR, log: (line) => logLines.push(line) })
  tmp = await mkdtemp(join(tmpdir(), 'lambda-emulator-'))
})

afterAll(async () => {
  await emulator.close()
  await rm(tmp, { recursive: true, force: true })
})

const invoke = async (pathName: string, options: SignOptions = {}) => send(emulator.url, await signAws4fetch(emulator.url, pathName, options))

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('signatures', () => {
  it('accepts an aws4fetch-signed invoke and returns the result as JSON', async () => {
    const res = await invoke('echo', { body: '{"hello":"world"}' })
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ hello: 'world' })
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.headers['x-amzn-requestid']).toMatch(UUID)
    expect(res.headers['x-amz-executed-version']).toBe('$LATEST')
    expect(res.headers['x-amz-function-error']).toBeUndefined()
  })

  it('accepts an SDK-signed invoke with x-amz-content-sha256, a full ARN (%3A on the wire) and Qualifier=$LATEST', async () => {
    const arn = 'arn:aws:lambda:eu-west-1:210987654321:function:context'
    const wire = await signSmithy(emulator.url, arn, { qualifier: '$LATEST', region: 'eu-west-1' })
    expect(wire.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/)
    expect(wire.path).toBe('/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A210987654321%3Afunction%3Acontext/invocations?Qualifier=%24LATEST')
    const res = await send(emulator.url, wire)
    expect(res.status).toBe(200)
    expect(res.json()).toMatchObject({ functionName: 'context', invokedFunctionArn: `${arn}:$LATEST` })
  })

  it('accepts an SDK-signed invoke without x-amz-content-sha256 (applyChecksum: false)', async () => {
    const wire = await signSmithy(emulator.url, 'echo', { body: '[1,2]', applyChecksum: false })
    expect(wire.headers['x-amz-content-sha256']).toBeUndefined()
    const res = await send(emulator.url, wire)
    expect(res.status).toBe(200)
    expect(res.json()).toEqual([1, 2])
  })

  it('accepts a literal colon (Kong form), a partial ARN, and an SDK-encoded name:alias', async () => {
    const literal = await invoke('echo:prod', { query: '?Qualifier=prod', body: '1' })
    expect(literal.status).toBe(200)
    expect(literal.headers['x-amz-executed-version']).toBe('$LATEST')
    const partial = await invoke(encodeURIComponent('123456789012:function:echo'), { body: '2' })
    expect(partial.status).toBe(200)
    const sdk = await send(emulator.url, await signSmithy(emulator.url, 'echo:live', { body: '3' }))
    expect(sdk.status).toBe(200)
    expect(sdk.json()).toBe(3)
  })

  it('answers 403 MissingAuthenticationTokenException without Authorization', async () => {
    const res = await send(emulator.url, { path: '/2015-03-31/functions/echo/invocations', headers: {}, body: '{}' })
    expect(res.status).toBe(403)
    expect(res.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException')
    expect(res.json()).toEqual({ message: 'Missing Authentication Token' })
  })

  it('answers 403 UnrecognizedClientException for an unknown key', async () => {
    const res = await invoke('echo', { accessKeyId: 'AKIDNOTKNOWN' })
    expect(res.status).toBe(403)
    expect(res.headers['x-amzn-errortype']).toBe('UnrecognizedClientException')
    expect(res.json()).toEqual({ message: 'The security token included in the request is invalid.' })
  })

  it('answers 403 InvalidSignatureException for a wrong secret, a changed body or a wrong payload hash', async () => {
    const wrongSecret = await invoke('echo', { secretAccessKey: 'not-the-secret' })
    expect(wrongSecret.status).toBe(403)
    expect(wrongSecret.headers['x-amzn-errortype']).toBe('InvalidSignatureException')
    expect(wrongSecret.json()).toEqual({ message: SIGNATURE_MISMATCH })

    const wire = await signAws4fetch(emulator.url, 'echo', { body: '{"amount":1}' })
    const tampered = await send(emulator.url, { ...wire, body: '{"amount":9}' })
    expect(tampered.status).toBe(403)
    expect(tampered.json()).toEqual({ message: SIGNATURE_MISMATCH })

    const sdk = await signSmithy(emulator.url, 'echo', { body: '{"amount":1}' })
    const lyingHash = await send(emulator.url, { ...sdk, body: '{"amount":9}' })
    expect(lyingHash.status).toBe(403)
    expect(lyingHash.headers['x-amzn-errortype']).toBe('InvalidSignatureException')

    // An x-amz-* header the client did not sign.
    const unsigned = await send(emulator.url, { ...wire, headers: { ...wire.headers, 'x-amz-log-type': 'Tail' } })
    expect(unsigned.status).toBe(403)
  })

  it('answers 403 "Signature expired" for an X-Amz-Date more than 5 minutes old', async () => {
    const old = new Date(Date.now() - 10 * 60 * 1000).toISOString().replace(/[:-]|\.\d{3}/g, '')
    const res = await invoke('echo', { datetime: old })
    expect(res.status).toBe(403)
    expect(res.headers['x-amzn-errortype']).toBe('InvalidSignatureException')
    const { message } = res.json() as { message: string }
    expect(message).toMatch(new RegExp(`^Signature expired: ${old} is now earlier than \\d{8}T\\d{6}Z \\(\\d{8}T\\d{6}Z - 5 min\\.\\)$`))
  })

  it('answers 400 IncompleteSignatureException for an Authorization it cannot read', async () => {
    const res = await send(emulator.url, { path: '/2015-03-31/functions/echo/invocations', headers: { Authorization: 'Bearer abc' }, body: '{}' })
    expect(res.status).toBe(400)
    expect(res.headers['x-amzn-errortype']).toBe('IncompleteSignatureException')
  })
})

describe('routing and parameters', () => {
  it('answers 404 ResourceNotFoundException with the ARN in the signing region', async () => {
    const res = await invoke('missing', { region: 'ap-southeast-2' })
    expect(res.status).toBe(404)
    expect(res.headers['x-amzn-errortype']).toBe('ResourceNotFoundException')
    expect(res.json()).toEqual({ Type: 'User', Message: 'Function not found: arn:aws:lambda:ap-southeast-2:123456789012:function:missing' })
  })

  it('answers 404 UnknownOperationException for other paths and methods', async () => {
    const other = await send(emulator.url, { path: '/2015-03-31/functions/echo', headers: {}, body: '' })
    expect(other.status).toBe(404)
    expect(other.headers['x-amzn-errortype']).toBe('UnknownOperationException')
    const get = await send(emulator.url, { method: 'GET', path: '/2015-03-31/functions/echo/invocations', headers: {} })
    expect(get.status).toBe(404)
    expect(get.headers['x-amzn-errortype']).toBe('UnknownOperationException')
  })

  it('answers 400 InvalidParameterValueException for a malformed or conflicting qualifier', async () => {
    const malformed = await invoke('echo', { query: '?Qualifier=bad.qualifier' })
    expect(malformed.status).toBe(400)
    expect(malformed.headers['x-amzn-errortype']).toBe('InvalidParameterValueException')
    const conflicting = await invoke('echo:one', { query: '?Qualifier=two' })
    expect(conflicting.status).toBe(400)
    expect(conflicting.headers['x-amzn-errortype']).toBe('InvalidParameterValueException')
  })

  it('answers 400 for a function name outside the pattern and for an unknown invocation type', async () => {
    const name = await invoke(encodeURIComponent('bad name'))
    expect(name.status).toBe(400)
    expect(name.headers['x-amzn-errortype']).toBe('ValidationException')
    const type = await invoke('echo', { headers: { 'X-Amz-Invocation-Type': 'Sometimes' } })
    expect(type.status).toBe(400)
    expect(type.headers['x-amzn-errortype']).toBe('InvalidParameterValueException')
  })

  it('answers 400 InvalidRequestContentException for a body that is not JSON', async () => {
    const res = await invoke('echo', { body: '{"unterminated":' })
    expect(res.status).toBe(400)
    expect(res.headers['x-amzn-errortype']).toBe('InvalidRequestContentException')
    expect((res.json() as { message: string }).message).toMatch(/^Could not parse request body into json: /)
  })
})

describe('results and errors', () => {
  it('JSON-encodes a string result and answers null for undefined; an empty body is the event {}', async () => {
    const text = await invoke('echo', { body: '"hello"' })
    expect(text.text).toBe('"hello"')
    const nothing = await invoke('nothing')
    expect(nothing.status).toBe(200)
    expect(nothing.text).toBe('null')
    const empty = await invoke('echo', { body: '' })
    expect(empty.json()).toEqual({})
  })

  it('answers a thrown error as 200 with X-Amz-Function-Error: Unhandled in the Node runtime shape', async () => {
    const res = await invoke('thrower', { body: '{"order":42}' })
    expect(res.status).toBe(200)
    expect(res.headers['x-amz-function-error']).toBe('Unhandled')
    const body = res.json() as { errorType: string; errorMessage: string; trace: string[] }
    expect(Object.keys(body)).toEqual(['errorType', 'errorMessage', 'trace'])
    expect(body.errorType).toBe('OrderFailed')
    expect(body.errorMessage).toBe('order 42 failed')
    expect(body.trace[0]).toBe('OrderFailed: order 42 failed')
    expect(body.trace.some((line) => line.includes('thrower.mjs'))).toBe(true)
  })

  it('answers a rejection with a non-Error like the runtime does', async () => {
    const res = await invoke('thrower', { body: '{"rejectWith":"just a string"}' })
    expect(res.headers['x-amz-function-error']).toBe('Unhandled')
    expect(res.json()).toEqual({ errorType: 'string', errorMessage: 'just a string', trace: [] })
  })

  it('answers Runtime.HandlerNotFound for a module without handler', async () => {
    const res = await invoke('nohandler')
    expect(res.status).toBe(200)
    expect(res.headers['x-amz-function-error']).toBe('Unhandled')
    expect(res.json()).toMatchObject({ errorType: 'Runtime.HandlerNotFound', errorMessage: 'nohandler.handler is undefined or not exported' })
  })

  it('runs callback-style handlers and TypeScript handlers', async () => {
    const ok = await invoke('callback', { body: '{"n":1}' })
    expect(ok.json()).toEqual({ via: 'callback', event: { n: 1 } })
    const failed = await invoke('callback', { body: '{"fail":true}' })
    expect(failed.headers['x-amz-function-error']).toBe('Unhandled')
    expect(failed.json()).toMatchObject({ errorType: 'Error', errorMessage: 'callback failure' })
    const typed = await invoke('typed', { body: '{"name":"ts"}' })
    expect(typed.json()).toEqual({ greeting: 'hello ts' })
  })

  it('gives the handler the runtime context', async () => {
    const sent = Date.now()
    const res = await invoke('context', { region: 'us-west-2' })
    const elapsed = Date.now() - sent
    const context = res.json() as Record<string, unknown>
    expect(context).toMatchObject({
      functionName: 'context',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-west-2:123456789012:function:context',
      memoryLimitInMB: '128',
      awsRequestId: res.headers['x-amzn-requestid'],
      logGroupName: '/aws/lambda/context',
      callbackWaitsForEmptyEventLoop: true,
    })
    expect(context.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/)
    // Counting down from the emulator's 30 s timeout: no more than the whole call has used of it.
    expect(context.remainingMs).toBeGreaterThanOrEqual(30_000 - elapsed - 1)
    expect(context.remainingMs).toBeLessThanOrEqual(30_000)
  })
})

describe('results JSON cannot encode', () => {
  // What the Node runtime's serializeToJSON answers; the emulator must go on answering after it.
  it.each(['bigint', 'cycle', 'toJSON'])('answers a %s result as Runtime.JSONStringifyError with X-Amz-Function-Error: Unhandled', async (kind) => {
    const res = await invoke('bad-result', { body: JSON.stringify({ kind }), headers: { 'X-Amz-Log-Type': 'Tail' } })
    expect(res.status).toBe(200)
    expect(res.headers['x-amz-function-error']).toBe('Unhandled')
    expect(res.json()).toEqual({
      errorType: 'Runtime.JSONStringifyError',
      errorMessage: 'Unable to stringify response body',
      trace: ['Runtime.JSONStringifyError: Unable to stringify response body'],
    })
    expect(decodeTail(res).toString('utf8')).toMatch(/\tERROR\tInvoke Error \t\{"errorType":"Runtime.JSONStringifyError"/)
    const after = await invoke('echo', { body: '{"still":"answering"}' })
    expect(after.json()).toEqual({ still: 'answering' })
  })
})

describe('timeoutMs', () => {
  let short: RunningEmulator
  beforeAll(async () => {
    short = await startEmulator({ functionsDir: FUNCTIONS_DIR, timeoutMs: 200, log: () => {} })
  })
  afterAll(() => short.close())

  it('answers a handler still running at the timeout as Sandbox.Timedout, naming the timeout', async () => {
    const wire = await signAws4fetch(short.url, 'slow', { body: '{"tag":"late","ms":2000}', headers: { 'X-Amz-Log-Type': 'Tail' } })
    const res = await send(short.url, wire)
    const id = String(res.headers['x-amzn-requestid'])
    expect(res.status).toBe(200)
    expect(res.headers['x-amz-function-error']).toBe('Unhandled')
    expect(res.json()).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${id} Error: Task timed out after 0.20 seconds` })
    const tail = decodeTail(res).toString('utf8')
    expect(tail).toContain('begin late')
    expect(tail).not.toContain('end late')
    expect(tail).toMatch(new RegExp(`\\n\\S+Z ${id} Task timed out after 0\\.20 seconds\\nEND RequestId: ${id}\\n`))
  })

  it('is refused outside (0, 900000]', async () => {
    for (const timeoutMs of [0, -1, Number.NaN, 900_001]) {
      await expect(startEmulator({ functionsDir: FUNCTIONS_DIR, timeoutMs })).rejects.toThrow(/timeoutMs/)
    }
  })
})

describe('logs', () => {
  it('returns the log tail with X-Amz-Log-Type: Tail and writes one JSON line per invocation', async () => {
    const res = await invoke('logger', { headers: { 'X-Amz-Log-Type': 'Tail' } })
    expect(res.json()).toBe('logged')
    const id = String(res.headers['x-amzn-requestid'])
    const lines = decodeTail(res).toString('utf8').trimEnd().split('\n')
    expect(lines[0]).toBe(`START RequestId: ${id} Version: $LATEST`)
    expect(lines[1]).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\t${id}\\tINFO\\tlog line { n: 1 }$`))
    expect(lines.slice(2, 5).map((line) => line.split('\t').slice(2).join('\t'))).toEqual(['INFO\tinfo line', 'WARN\twarn line', 'ERROR\terror line'])
    expect(lines[5]).toBe(`END RequestId: ${id}`)
    expect(lines[6]).toMatch(new RegExp(`^REPORT RequestId: ${id}\\tDuration: [\\d.]+ ms`))
    expect(lines).toHaveLength(7)

    const entries = logged()
    expect(entries).toContainEqual(expect.objectContaining({ msg: 'function output', requestId: id, functionLevel: 'WARN', text: 'warn line' }))
    expect(entries.filter((entry) => entry.msg === 'invoke' && entry.requestId === id)).toEqual([
      expect.objectContaining({ function: 'logger', type: 'RequestResponse', status: 200, durationMs: expect.any(Number) }),
    ])
  })

  it('keeps concurrent invocations apart', async () => {
    const tags = ['alpha', 'beta', 'gamma']
    const results = await Promise.all(
      tags.map((tag, i) => invoke('slow', { body: JSON.stringify({ tag, ms: 80 - i * 20 }), headers: { 'X-Amz-Log-Type': 'Tail' } })),
    )
    results.forEach((res, i) => {
      const tail = decodeTail(res).toString('utf8')
      expect(tail).toContain(`begin ${tags[i]}`)
      expect(tail).toContain(`end ${tags[i]}`)
      for (const other of tags.filter((tag) => tag !== tags[i])) expect(tail).not.toContain(other)
      expect(tail).toContain(String(res.headers['x-amzn-requestid']))
    })
  })

  it('keeps only the last 4 KB', async () => {
    const res = await invoke('logger', { body: '{"count":500}', headers: { 'X-Amz-Log-Type': 'Tail' } })
    expect(res.json()).toEqual({ logged: 500 })
    const tail = decodeTail(res)
    expect(tail.length).toBeLessThanOrEqual(4096)
    expect(tail.length).toBeGreaterThan(4000)
    const text = tail.toString('utf8')
    expect(text).not.toContain('START RequestId')
    expect(text).toContain('line 499 ')
    expect(text).toMatch(/REPORT RequestId: [^\n]+\n$/)
  })

  it('sends no log tail without Tail', async () => {
    const res = await invoke('logger')
    expect(res.headers['x-amz-log-result']).toBeUndefined()
  })
})

describe('invocation types', () => {
  it('Event answers 202 at once and runs the handler afterwards', async () => {
    const path = join(tmp, 'event.txt')
    const res = await invoke('write-file', { body: JSON.stringify({ path, text: 'from event' }), headers: { 'X-Amz-Invocation-Type': 'Event' } })
    expect(res.status).toBe(202)
    expect(res.text).toBe('')
    expect(res.headers['x-amzn-requestid']).toMatch(UUID)
    await waitFor(() => existsSync(path))
    expect(await readFile(path, 'utf8')).toBe('from event')
  })

  it('Event logs a failing handler instead of answering it', async () => {
    const res = await invoke('thrower', { body: '{"order":7}', headers: { 'X-Amz-Invocation-Type': 'Event' } })
    expect(res.status).toBe(202)
    const id = res.headers['x-amzn-requestid']
    await waitFor(() => logged().some((entry) => entry.msg === 'event failed' && entry.requestId === id))
    expect(logged().find((entry) => entry.msg === 'event failed' && entry.requestId === id)).toMatchObject({
      error: { errorType: 'OrderFailed', errorMessage: 'order 7 failed' },
    })
  })

  it('DryRun answers 204 and does not run the handler', async () => {
    const path = join(tmp, 'dry-run.txt')
    const res = await invoke('write-file', { body: JSON.stringify({ path }), headers: { 'X-Amz-Invocation-Type': 'DryRun' } })
    expect(res.status).toBe(204)
    expect(res.text).toBe('')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(existsSync(path)).toBe(false)
    const missing = await invoke('missing', { headers: { 'X-Amz-Invocation-Type': 'DryRun' } })
    expect(missing.status).toBe(404)
  })
})

describe('payload limits', () => {
  const overSync = Buffer.alloc(6291456 + 1, 0x20)
  const overEvent = Buffer.alloc(1048576 + 1, 0x20)

  it('answers 413 to a RequestResponse body over 6291456 bytes (Content-Length)', async () => {
    const wire = await signAws4fetch(emulator.url, 'echo', { body: overSync })
    const res = await send(emulator.url, { ...wire, headers: { ...wire.headers, 'Content-Length': String(overSync.length) } })
    expect(res.status).toBe(413)
    expect(res.headers['x-amzn-errortype']).toBe('RequestEntityTooLargeException')
    expect(res.json()).toEqual({ message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation' })
  })

  it('answers 413 to an Event body over 1048576 bytes (Content-Length)', async () => {
    const wire = await signAws4fetch(emulator.url, 'echo', { body: overEvent, headers: { 'X-Amz-Invocation-Type': 'Event' } })
    const res = await send(emulator.url, { ...wire, headers: { ...wire.headers, 'Content-Length': String(overEvent.length) } })
    expect(res.status).toBe(413)
    expect(res.headers['x-amzn-errortype']).toBe('RequestEntityTooLargeException')
    expect(res.json()).toEqual({ message: '1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)' })
  })

  it('answers 413 while reading a chunked body that passes the limit', async () => {
    const wire = await signAws4fetch(emulator.url, 'echo', { body: overSync })
    const res = await send(emulator.url, { ...wire, chunked: true })
    expect(res.status).toBe(413)
    expect(res.json()).toEqual({ message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation' })
  })

  it('refuses an Expect: 100-continue request on its Content-Length without asking for the body', async () => {
    const wire = await signAws4fetch(emulator.url, 'echo', { body: overSync })
    let asked = false
    const res = await send(emulator.url, {
      ...wire,
      headers: { ...wire.headers, 'Content-Length': String(overSync.length) },
      expectContinue: true,
      onContinue: () => (asked = true),
    })
    expect(res.status).toBe(413)
    expect(res.headers.connection).toBe('close')
    expect(asked).toBe(false)

    const small = await signAws4fetch(emulator.url, 'echo', { body: '{"continued":true}' })
    const ok = await send(emulator.url, { ...small, headers: { ...small.headers, 'Content-Length': '18' }, expectContinue: true })
    expect(ok.status).toBe(200)
    expect(ok.json()).toEqual({ continued: true })
  })

  it('accepts a body of exactly 1048576 bytes as an Event', async () => {
    const body = `"${'a'.repeat(1048576 - 2)}"`
    const res = await invoke('echo', { body, headers: { 'X-Amz-Invocation-Type': 'Event' } })
    expect(res.status).toBe(202)
  })
})

describe('CLI', () => {
  it('starts on the given port, prints its URL and functions, and answers', async () => {
    const child = spawn(process.execPath, ['src/emulator/main.ts', '--functions', 'test/emulator/functions', '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      let stdout = ''
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8')
      })
      await waitFor(() => stdout.includes('access key id'), 10_000)
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1]
      expect(url).toBeDefined()
      expect(stdout).toContain('echo, logger, nohandler, nothing, slow, stream-chunks, stream-fail, stream-http, stream-unended, thrower, typed, write-file')
      expect(stdout).toContain(DEMO_CREDENTIALS.accessKeyId)
      expect(stdout).not.toContain(DEMO_CREDENTIALS.secretAccessKey)
      const res = await send(url!, await signAws4fetch(url!, 'echo', { body: '{"via":"cli"}' }))
      expect(res.status).toBe(200)
      expect(res.json()).toEqual({ via: 'cli' })
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    }
  }, 20_000)

  it.each([
    ['127.0.0.1', false],
    ['0.0.0.0', true],
  ])(
    'listening on %s warns when it is not loopback: %s',
    async (host, warns) => {
      const child = spawn(process.execPath, ['src/emulator/main.ts', '--functions', 'test/emulator/functions', '--port', '0', '--host', host], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let output = ''
      const collect = (chunk: Buffer) => {
        output += chunk.toString('utf8')
      }
      child.stdout.on('data', collect)
      child.stderr.on('data', collect)
      const exited = new Promise((resolve) => child.once('close', resolve))
      try {
        // Starting Node on the TypeScript sources takes seconds on a loaded machine.
        await waitFor(() => output.includes('access key id'), 30_000)
      } finally {
        child.kill('SIGTERM')
      }
      // All it printed, both streams, once it has exited.
      await exited
      expect(output.includes(`warning: listening on ${host}, not loopback: anyone who can reach it can run these functions with the public demo key`)).toBe(
        warns,
      )
    },
    40_000,
  )

  it('exits 1 with a message when the functions directory is missing', async () => {
    const child = spawn(process.execPath, ['src/emulator/main.ts', '--functions', 'test/emulator/no-such-dir'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
    })
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)))
    expect(code).toBe(1)
    expect(stderr).toMatch(/functions directory not found: .*no-such-dir/)
  }, 20_000)

  it('exits 1 on a bad argument', async () => {
    const child = spawn(process.execPath, ['src/emulator/main.ts', '--port', 'many'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
    })
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)))
    expect(code).toBe(1)
    expect(stderr).toContain("--port must be a number from 0 to 65535, not 'many'")
  }, 20_000)
})
