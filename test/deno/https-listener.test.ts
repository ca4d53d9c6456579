/// <reference lib="deno.ns" />
// The https listener on Deno (--https-port / HTTPS_PORT): Deno.serve with the file's one
// certificate; requests there are https (`protocols: [https]` routes), and what Deno cannot do
// (choose a certificate by server name, serve an alternative key pair, tell routes the server
// name) refuses to start, each named.

import { deepStrictEqual, ok } from 'node:assert/strict'
import { startDenoServer } from '../../src/deno.ts'

const logLines: string[] = []
console.error = (line: unknown) => void logLines.push(String(line))
const options = { sanitizeResources: false, sanitizeOps: false }

const pem = (name: string) => Deno.readTextFileSync(new URL(`../support/tls/${name}`, import.meta.url))
const pair = (name: string) => ({ cert: pem(`${name}.pem`), key: pem(`${name}-key.pem`) })
const answers = (message: string) => [{ name: 'request-termination', config: { status_code: 200, message } }]
const ROUTES = [
  { name: 'secure', protocols: ['https'], paths: ['/secure'], plugins: answers('secure') },
  { name: 'any', paths: ['/any'], plugins: answers('any') },
]

async function start(document: Record<string, unknown>) {
  const file = await Deno.makeTempFile({ suffix: '.json' })
  await Deno.writeTextFile(file, JSON.stringify({ _format_version: '3.0', routes: ROUTES, ...document }))
  return startDenoServer(['--config', file, '--port', '0', '--https-port', '0', '--host', '127.0.0.1'], { LOG_LEVEL: 'info' })
}

Deno.test({
  name: 'serves the one certificate over https, verified against the test CA; https-only routes are served there and answered 426 over http',
  ...options,
  async fn() {
    const server = await start({ certificates: [{ ...pair('default'), snis: ['localhost'] }] })
    if (!server?.httpsUrl) throw new Error('did not start')
    const client = Deno.createHttpClient({ caCerts: [pem('ca.pem')] })
    try {
      const secure = await fetch(`${server.httpsUrl}/secure`, { client })
      deepStrictEqual([secure.status, await secure.text()], [200, '{"message":"secure"}'])
      const plain = await fetch(`${server.url}/secure`)
      deepStrictEqual(plain.status, 426)
      await plain.body?.cancel()
    } finally {
      client.close()
      await server.close()
    }
  },
})

Deno.test({
  name: 'refuses what Deno.serve cannot do: several certificates to choose by server name, an alternative key pair, routes with snis',
  ...options,
  async fn() {
    const refusals = async (document: Record<string, unknown>) => {
      const before = logLines.length
      deepStrictEqual(await start(document), null)
      return logLines.slice(before).join('\n')
    }
    const certificates = await refusals({
      certificates: [
        { ...pair('example'), cert_alt: pem('example-ecdsa.pem'), key_alt: pem('example-ecdsa-key.pem'), snis: ['example.com'] },
        { ...pair('alt'), snis: ['*.wildcard.com'] },
      ],
    })
    for (const line of [
      "certificates[1]: Deno's https listener serves one certificate and cannot choose one by server name",
      "certificates[0].cert_alt: Deno's https listener serves one key pair per certificate: remove cert_alt and key_alt",
    ]) {
      ok(certificates.includes(line), `${line}\n${certificates}`)
    }
    const snis = await refusals({
      certificates: [{ ...pair('default'), snis: ['localhost'] }],
      routes: [...ROUTES, { name: 'by-sni', snis: ['example.com'], plugins: answers('sni') }],
    })
    ok(snis.includes("routes[2].snis: not supported on this runtime: it does not tell a request's TLS server name"), snis)
  },
})

Deno.test({
  name: 'refuses HTTPS_PORT without a certificate to serve',
  ...options,
  async fn() {
    const before = logLines.length
    deepStrictEqual(await start({}), null)
    ok(logLines.slice(before).join('\n').includes('HTTPS_PORT (--https-port): no certificate in the file has snis to serve'))
  },
})
