// Credential tables shared by the credential-source mocks (STS, IMDS, container) and the mock
// Lambda: a key one mock issues is at once a key the others accept as a signer. Also the small
// loopback-server plumbing those mocks have in common.

import { Buffer } from 'node:buffer'
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, RequestListener, Server } from 'node:http'
import { createServer } from 'node:http'
import { closer } from '../../src/emulator/http-server.ts'
import { getOrCreate } from '../../src/get-or-create.ts'

export interface CredentialTables {
  /** accessKeyId -> secretAccessKey: keys a mock accepts as signers; issued keys are added here */
  secrets: Record<string, string>
  /** accessKeyId -> session token that must accompany it (temporary credentials) */
  sessionTokens: Record<string, string>
}

export interface IssuedCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  expiration: Date
}

/** Fresh tables; `secrets` is copied so the caller's literal is never mutated. */
export function credentialTables(secrets: Record<string, string> = {}): CredentialTables {
  return { secrets: { ...secrets }, sessionTokens: {} }
}

// Module-wide, so key ids stay unique across every mock and table in a test file.
let issuedCount = 0
// Kept beside the tables rather than in them so the table shape stays what the mock Lambda knows.
const expirations = new WeakMap<CredentialTables, Map<string, Date>>()

/**
 * Issues a new temporary key (id `${prefix}${n}`, random secret and token), registers it in the
 * tables, returns it with expiration = now + lifetimeMs (millisecond precision; the wire formats
 * of STS and IMDS truncate it to whole seconds).
 */
export function issueCredentials(tables: CredentialTables, prefix: string, lifetimeMs: number): IssuedCredentials {
  issuedCount++
  const accessKeyId = `${prefix}${issuedCount}`
  // Real secrets and tokens are base64 with '+', '/' and '=', which a client must pass through untouched.
  const secretAccessKey = randomBytes(30).toString('base64')
  const sessionToken = randomBytes(301).toString('base64')
  const expiration = new Date(Date.now() + lifetimeMs)
  tables.secrets[accessKeyId] = secretAccessKey
  tables.sessionTokens[accessKeyId] = sessionToken
  getOrCreate(expirations, tables, () => new Map()).set(accessKeyId, expiration)
  return { accessKeyId, secretAccessKey, sessionToken, expiration }
}

/** When a key issued by issueCredentials into these tables expires; undefined for static keys. */
export function expirationOf(tables: CredentialTables, accessKeyId: string): Date | undefined {
  return expirations.get(tables)?.get(accessKeyId)
}

/** ISO 8601 UTC without fractional seconds, as STS and IMDS write it: 2026-11-25T12:00:00Z */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** An own property only: tables are plain objects, and '__proto__' or 'toString' are not keys. */
export function lookup(table: Record<string, string>, key: string): string | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined
}

export interface LoopbackServer {
  server: Server
  url: string
  port: number
  close(): Promise<void>
}

/** Starts `handler` on 127.0.0.1, a free port; close() is immediate (open sockets are destroyed). */
export async function listenLoopback(handler: RequestListener): Promise<LoopbackServer> {
  const server = createServer(handler)
  const close = closer(server)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('mock server: no TCP address')
  return {
    server,
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close,
  }
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** Lower-case names, values as received; repeated headers joined with "," as SigV4 does. */
export function collectHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {}
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase()
    const value = req.rawHeaders[i + 1]
    headers[name] = Object.hasOwn(headers, name) ? `${headers[name]},${value}` : value
  }
  return headers
}
