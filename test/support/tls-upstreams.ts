// Loopback https upstreams for the upstream TLS cases, with the test CA's certificates
// (test/support/tls/README.md): one the CA vouches for, one through an intermediate CA (a chain
// of depth 2), a self-signed one no CA vouches for, and one that wants a client certificate of the
// CA (nginx's 400 "No required SSL certificate was sent" without one). Each answers JSON: the
// server name the gateway sent (null: none), the client certificate's CN, the Host header.

import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'
import type { TlsEcho, TlsUpstreams } from './gateway-config.ts'

const pem = (name: string) => readFileSync(new URL(`./tls/${name}`, import.meta.url), 'utf8')

export async function startTlsUpstreams(): Promise<{ upstreams: TlsUpstreams; close(): Promise<void> }> {
  const servers: Server[] = []
  const sockets = new Set<Socket>()
  const start = async (options: Record<string, unknown>) => {
    const server = createServer(options, (request, response) => {
      const socket = request.socket as TLSSocket
      const cn = socket.authorized ? socket.getPeerCertificate().subject?.CN : undefined
      const client = typeof cn === 'string' ? cn : null
      if (options.requestCert && client === null) {
        response.writeHead(400, { 'content-type': 'text/plain' }).end('400 No required SSL certificate was sent')
        return
      }
      const echo: TlsEcho = { sni: typeof socket.servername === 'string' ? socket.servername : null, client, host: request.headers.host ?? null }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(echo))
    })
    server.on('secureConnection', (socket: Socket) => {
      sockets.add(socket)
      socket.once('close', () => sockets.delete(socket))
    })
    // A handshake the gateway refuses (an untrusted certificate) is no error of the server's.
    server.on('tlsClientError', () => {})
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return (server.address() as { port: number }).port
  }
  const upstream = { cert: pem('upstream.pem'), key: pem('upstream-key.pem') }
  const ports = {
    trusted: await start(upstream),
    chained: await start({ cert: pem('chained.pem') + pem('intermediate.pem'), key: pem('chained-key.pem') }),
    untrusted: await start({ cert: pem('cert.pem'), key: pem('key.pem') }),
    mtls: await start({ ...upstream, requestCert: true, rejectUnauthorized: false, ca: pem('ca.pem') }),
  }
  return {
    upstreams: { ...ports, ca: pem('ca.pem'), intermediate: pem('intermediate.pem'), client: { cert: pem('client.pem'), key: pem('client-key.pem') } },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
    },
  }
}
