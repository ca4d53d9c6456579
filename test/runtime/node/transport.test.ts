// The Node transport (node:http(s) with keep-alive agents, proxy_url, ssl_verify) against real
// loopback servers, and the portable fetch transport's refusals.

import { Buffer } from 'node:buffer'
import { readFileSync } from 'node:fs'
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeError } from '../../../src/log.ts'
import { directFetch, nodeTransport } from '../../../src/runtime/node/transport.ts'
import { fetchTransport, type TransportSettings, UnsupportedTransport } from '../../../src/transport.ts'
import { closedPort } from '../../support/closed-port.ts'
import { collectHeaders, type LoopbackServer, listenLoopback, readBody } from '../../support/credential-tables.ts'
import { failure } from '../../support/expect-error.ts'
import { startForwardProxy } from '../../support/forward-proxy.ts'

const tlsDir = new URL('../../support/tls/', import.meta.url)
const GZIPPED = 'compressed body '.repeat(50)

/** One plain http server for all cases, routed by path. */
let plain: LoopbackServer
/** What the plain server last received. */
let received: { method: string; url: string; headers: Record<string, string>; body: string } | undefined

let secure: HttpsServer
let securePort: number
const secureSockets = new Set<Socket>()

beforeAll(async () => {
  plain = await listenLoopback(async (req, res) => {
    const body = (await readBody(req)).toString('utf8')
    received = { method: req.method ?? '', url: req.url ?? '', headers: collectHeaders(req), body }
    const path = (req.url ?? '').split('?')[0]
    if (path === '/echo') {
      res.writeHead(201, 'Made It', [
        ['Content-Type', 'text/plain'],
        ['X-Multi', 'one'],
        ['X-Multi', 'two'],
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
      ])
      res.end(`${req.method} ${req.url} ${body}`)
    } else if (path === '/gzip') {
      const bytes = gzipSync(GZIPPED)
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip', 'Content-Length': String(bytes.length) })
      res.end(bytes)
    } else if (path === '/no-content') {
      res.writeHead(204, { 'X-Kind': 'empty' })
      res.end()
    } else if (path === '/hang') {
      // never answers; the client's signal must end the wait
    } else if (path === '/hang-body') {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '100' })
      res.write('partial')
    } else if (path === '/cut-body') {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '100' })
      res.write('partial', () => res.destroy())
    } else {
      res.writeHead(404).end('not found')
    }
  })

  secure = createHttpsServer({ cert: readFileSync(new URL('cert.pem', tlsDir)), key: readFileSync(new URL('key.pem', tlsDir)) }, (req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`secure ${req.method} ${req.url}`))
  })
  secure.on('connection', (socket: Socket) => {
    secureSockets.add(socket)
    socket.on('close', () => secureSockets.delete(socket))
  })
  await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', () => resolve()))
  securePort = (secure.address() as AddressInfo).port
})

afterAll(async () => {
  await plain.close()
  await new Promise<void>((resolve) => {
    secure.close(() => resolve())
    for (const socket of secureSockets) socket.destroy()
  })
})

describe('nodeTransport', () => {
  const direct = (settings: Partial<TransportSettings> = {}) => nodeTransport({ proxyUrl: undefined, verifyTls: true, ...settings })

  it('sends method, headers and body, and returns status, headers (repeated ones too) and body', async () => {
    const response = await direct()(`${plain.url}/echo?a=1&b=%2F`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-custom': 'value' },
      body: '{"hello":"world"}',
    })
    expect(received).toMatchObject({ method: 'POST', url: '/echo?a=1&b=%2F', body: '{"hello":"world"}' })
    expect(received!.headers).toMatchObject({ 'content-type': 'application/json', 'x-custom': 'value', 'content-length': '17' })
    expect(response.status).toBe(201)
    expect(response.statusText).toBe('Made It')
    expect(response.headers.get('content-type')).toBe('text/plain')
    expect(response.headers.get('x-multi')).toBe('one, two')
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
    expect(await response.text()).toBe('POST /echo?a=1&b=%2F {"hello":"world"}')
  })

  it('sends a string body as UTF-8 with its byte length, and header values byte for byte (obs-text as one byte)', async () => {
    const text = 'h\u00e9llo \u{1F600}'
    for (const headers of [{ 'x-ascii': 'plain' }, { 'x-latin': 'caf\u00e9' }] as Record<string, string>[]) {
      await direct()(`${plain.url}/echo`, { method: 'POST', headers, body: text })
      expect(received).toMatchObject({ body: text, headers: { ...headers, 'content-length': String(Buffer.byteLength(text)) } })
    }
  })

  it("replaces a caller's Content-Length, in any case, with the body's own", async () => {
    await direct()(`${plain.url}/echo`, { method: 'POST', headers: { 'Content-Length': '999', 'X-Mixed-Case': 'a' }, body: 'abc' })
    expect(received).toMatchObject({ body: 'abc', headers: { 'content-length': '3', 'x-mixed-case': 'a' } })
  })

  it('sends a byte body', async () => {
    const response = await direct()(`${plain.url}/echo`, { method: 'PUT', body: new TextEncoder().encode('bytes') })
    expect(received).toMatchObject({ method: 'PUT', body: 'bytes' })
    expect(received!.headers['content-length']).toBe('5')
    expect(await response.text()).toBe('PUT /echo bytes')
  })

  it("sends the URL's Host unless the caller gave one, and frames a request without a body as node:http does", async () => {
    const host = new URL(plain.url).host
    for (const [method, framing] of [
      ['PUT', { 'content-length': '0' }],
      ['post', { 'content-length': '0' }],
      ['GET', {}],
      ['DELETE', {}],
    ] as const) {
      await direct()(`${plain.url}/echo`, { method })
      expect(received!.headers).toEqual({ host, connection: 'keep-alive', ...framing })
    }
    await direct()(`${plain.url}/echo`, { method: 'GET', headers: { Host: 'example.com' } })
    expect(received!.headers.host).toBe('example.com')
    // A URL's user and password are sent as Basic credentials, as node:http sends them.
    await direct()(`${plain.url.replace('://', '://us%20er:pa:ss@')}/echo`, { method: 'GET' })
    expect(received!.headers.authorization).toBe(`Basic ${btoa('us er:pa:ss')}`)
  })

  it('passes a gzip-encoded answer on as it came, never decoded (the gateway asks for none and refuses it)', async () => {
    const response = await directFetch(`${plain.url}/gzip`, { method: 'GET' })
    expect(response.headers.get('content-encoding')).toBe('gzip')
    expect(Buffer.from(await response.arrayBuffer()).equals(gzipSync(GZIPPED))).toBe(true)
  })

  it('gives a 204 a null body, and a HEAD answer too', async () => {
    const response = await directFetch(`${plain.url}/no-content`, { method: 'GET' })
    expect(response.status).toBe(204)
    expect(response.headers.get('x-kind')).toBe('empty')
    expect(response.body).toBeNull()
    const head = await directFetch(`${plain.url}/echo`, { method: 'HEAD' })
    expect(head.status).toBe(201)
    expect(head.body).toBeNull()
  })

  it('sends an http target through proxy_url in absolute form', async () => {
    const proxy = await startForwardProxy()
    try {
      const url = `${plain.url}/echo?via=proxy`
      const response = await direct({ proxyUrl: proxy.url })(url, { method: 'POST', body: 'through' })
      expect(await response.text()).toBe('POST /echo?via=proxy through')
      expect(proxy.seen).toEqual([`POST ${url}`])
    } finally {
      await proxy.close()
    }
  })

  it('tunnels an https target through proxy_url with CONNECT', async () => {
    const proxy = await startForwardProxy()
    try {
      const response = await direct({ proxyUrl: proxy.url, verifyTls: false })(`https://127.0.0.1:${securePort}/tunnelled`, { method: 'GET' })
      expect(await response.text()).toBe('secure GET /tunnelled')
      expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${securePort}`])
    } finally {
      await proxy.close()
    }
  })

  it('checks the certificate through the proxy tunnel too', async () => {
    const proxy = await startForwardProxy()
    try {
      const error = await failure(direct({ proxyUrl: proxy.url, verifyTls: true })(`https://127.0.0.1:${securePort}/tunnelled`, { method: 'GET' }))
      expect(describeError(error)).toMatch(/certificate/i)
      expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${securePort}`])
    } finally {
      await proxy.close()
    }
  })

  it('refuses a self-signed certificate with verifyTls, and accepts it without', async () => {
    const error = await failure(directFetch(`https://127.0.0.1:${securePort}/checked`, { method: 'GET' }))
    expect(describeError(error)).toMatch(/certificate/i)
    const response = await direct({ verifyTls: false })(`https://localhost:${securePort}/unchecked`, { method: 'GET' })
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('secure GET /unchecked')
  })

  it('aborts a request that gets no answer when its signal fires, with the signal reason as fetch does', async () => {
    const signal = AbortSignal.timeout(100)
    const error = await failure(directFetch(`${plain.url}/hang`, { method: 'GET', signal }))
    expect(error).toBe(signal.reason)
    expect(error.name).toBe('TimeoutError')

    const controller = new AbortController()
    const pending = failure(directFetch(`${plain.url}/hang`, { method: 'GET', signal: controller.signal }))
    controller.abort()
    expect((await pending).name).toBe('AbortError')
  })

  it('aborts the body of an answer that stalls when its signal fires', async () => {
    const signal = AbortSignal.timeout(150)
    const response = await directFetch(`${plain.url}/hang-body`, { method: 'GET', signal })
    expect(response.status).toBe(200)
    const error = await failure(response.text())
    expect(error).toBe(signal.reason)
  })

  it('with wholeBody, resolves once the body has arrived: the same status, headers and body; a compressed body is left unread', async () => {
    const response = await direct()(`${plain.url}/echo?whole=1`, { method: 'POST', body: 'all of it', wholeBody: true })
    expect(response.status).toBe(201)
    expect(response.statusText).toBe('Made It')
    expect(response.headers.get('x-multi')).toBe('one, two')
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
    expect(await response.text()).toBe('POST /echo?whole=1 all of it')
    const gzipped = await directFetch(`${plain.url}/gzip`, { method: 'GET', wholeBody: true })
    expect(Buffer.from(await gzipped.arrayBuffer()).equals(gzipSync(GZIPPED))).toBe(true)
    const empty = await directFetch(`${plain.url}/no-content`, { method: 'GET', wholeBody: true })
    expect(empty.body).toBeNull()
  })

  it('with wholeBody, rejects the call itself when the body stalls past the signal, or the connection closes mid-body', async () => {
    const signal = AbortSignal.timeout(150)
    expect(await failure(directFetch(`${plain.url}/hang-body`, { method: 'GET', signal, wholeBody: true }))).toBe(signal.reason)
    const cut = await failure(directFetch(`${plain.url}/cut-body`, { method: 'GET', wholeBody: true }))
    expect(describeError(cut)).toMatch(/aborted|closed|reset/i)
  })

  it('rejects a refused connection with ECONNREFUSED in describeError', async () => {
    const port = await closedPort()
    const error = await failure(directFetch(`http://127.0.0.1:${port}/`, { method: 'GET' }))
    expect(describeError(error)).toContain('ECONNREFUSED')
    expect(describeError(error)).toContain(`127.0.0.1:${port}`)
  })

  it('refuses a body it cannot send', async () => {
    const error = await failure(Promise.resolve().then(() => directFetch(`${plain.url}/echo`, { method: 'POST', body: new Blob(['x']) })))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toContain('request body must be a string or bytes')
  })

  it.each([
    ['an already-aborted signal', { method: 'GET', signal: AbortSignal.abort() }, 'AbortError'],
    ['a body it cannot send', { method: 'POST', body: new Blob(['x']) }, 'TypeError'],
  ] satisfies Array<[string, RequestInit, string]>)('rejects, as fetch does, rather than throwing synchronously, for %s', async (_, init, name) => {
    let outcome: unknown
    try {
      outcome = directFetch(`${plain.url}/echo`, init)
    } catch (error) {
      outcome = `threw synchronously: ${(error as Error).name}`
    }
    expect(outcome).toBeInstanceOf(Promise)
    expect((await failure(outcome as Promise<Response>)).name).toBe(name)
  })
})

describe('fetchTransport', () => {
  function unsupported(settings: TransportSettings): UnsupportedTransport {
    try {
      fetchTransport(settings)
    } catch (error) {
      if (error instanceof UnsupportedTransport) return error
      throw error
    }
    throw new Error('expected UnsupportedTransport')
  }

  it.each([
    ['proxy_url', { proxyUrl: 'http://127.0.0.1:3128', verifyTls: true }, ['proxy_url']],
    ['ssl_verify: false', { proxyUrl: undefined, verifyTls: false }, ['ssl_verify']],
    ['both, each one', { proxyUrl: 'http://127.0.0.1:3128', verifyTls: false }, ['proxy_url', 'ssl_verify']],
  ] as const)('refuses %s, naming the field', (_, settings, fields) => {
    const { problems } = unsupported(settings)
    expect(problems.map((problem) => problem.field)).toEqual(fields)
    for (const { field, message } of problems) expect(message).toContain(`remove ${field}`)
  })

  it('is the global fetch otherwise', async () => {
    const response = await fetchTransport({ proxyUrl: undefined, verifyTls: true })(`${plain.url}/echo?x=1`, { method: 'POST', body: 'global' })
    expect(response.status).toBe(201)
    expect(await response.text()).toBe('POST /echo?x=1 global')
  })
})
