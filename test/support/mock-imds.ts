// Mock of the EC2 instance metadata service (the credential paths only) on loopback, with the
// IMDSv2 session-token handshake in three modes: v2 required, v2 optional, v1 only.

import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { CredentialTables, IssuedCredentials } from './credential-tables.ts'
import { isoSeconds, issueCredentials, listenLoopback } from './credential-tables.ts'

export type ImdsMode = 'v2-only' | 'v1-only' | 'both'

export interface ImdsCall {
  method: string
  /** the request target as received (path and query) */
  path: string
  /** x-aws-ec2-metadata-token */
  token: string | null
  /** x-aws-ec2-metadata-token-ttl-seconds */
  ttl: string | null
}

export interface MockImdsOptions {
  tables: CredentialTables
  mode: ImdsMode
  /** what the token PUT answers in v1-only mode; default 403 */
  tokenStatus?: number
  /** default 'gateway-role' */
  role?: string
}

export interface MockImds {
  /** http://127.0.0.1:PORT */
  url: string
  port: number
  calls: ImdsCall[]
  /** lifetime of issued credentials; default 6 h. Changing it makes the next credentials GET rotate. */
  lifetimeMs: number
  /** when true, every request answers 500 */
  failing: boolean
  /** mutable: switch IMDSv1 on or off mid-test */
  mode: ImdsMode
  /** mutable: the instance profile's role; null = no role attached (the listing answers 404) */
  role: string | null
  close(): Promise<void>
}

const TOKEN_PATH = '/latest/api/token'
const CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials'
const MAX_TTL_SECONDS = 21600
// Real IMDS hands out the same credentials until shortly before they expire.
const ROTATE_BEFORE_MS = 5 * 60 * 1000

interface Reply {
  status: number
  body: string
  headers?: Record<string, string>
}

interface Current {
  credentials: IssuedCredentials
  lastUpdated: Date
  lifetimeMs: number
}

export async function startMockImds(options: MockImdsOptions): Promise<MockImds> {
  const { tables } = options
  const tokenStatus = options.tokenStatus ?? 403
  /** session token -> expiry (ms since epoch) */
  const tokens = new Map<string, number>()
  let current: Current | null = null

  const currentCredentials = (): Current => {
    const stale = current === null || current.lifetimeMs !== imds.lifetimeMs || current.credentials.expiration.getTime() - Date.now() < ROTATE_BEFORE_MS
    if (current === null || stale) {
      current = { credentials: issueCredentials(tables, 'ASIAIMDS', imds.lifetimeMs), lastUpdated: new Date(), lifetimeMs: imds.lifetimeMs }
    }
    return current
  }

  const handle = (req: IncomingMessage): Reply => {
    const method = req.method ?? 'GET'
    const target = req.url ?? '/'
    const path = target.split('?')[0]
    const token = header(req, 'x-aws-ec2-metadata-token')
    const ttl = header(req, 'x-aws-ec2-metadata-token-ttl-seconds')
    imds.calls.push({ method, path: target, token, ttl })

    if (imds.failing) return text(500, 'Internal Server Error')

    if (path === TOKEN_PATH) {
      if (method !== 'PUT') return text(405, 'Method Not Allowed')
      // IMDS refuses token requests that went through a proxy.
      if (header(req, 'x-forwarded-for') !== null) return text(403, 'Forbidden')
      if (imds.mode === 'v1-only') return text(tokenStatus, tokenStatus === 404 ? 'Not Found' : 'Forbidden')
      if (ttl === null || !/^\d+$/.test(ttl) || Number(ttl) < 1 || Number(ttl) > MAX_TTL_SECONDS) return text(400, 'Bad Request')
      const issued = randomBytes(40).toString('base64url')
      tokens.set(issued, Date.now() + Number(ttl) * 1000)
      return text(200, issued, { 'x-aws-ec2-metadata-token-ttl-seconds': ttl })
    }

    if (method !== 'GET') return text(405, 'Method Not Allowed')
    if (imds.mode !== 'v1-only') {
      const expiry = token === null ? undefined : tokens.get(token)
      const valid = expiry !== undefined && expiry > Date.now()
      if (!valid && (imds.mode === 'v2-only' || token !== null)) return text(401, 'Unauthorized')
    }

    if (path === CREDENTIALS_PATH || path === `${CREDENTIALS_PATH}/`) {
      return imds.role === null ? text(404, 'Not Found') : text(200, imds.role)
    }
    if (imds.role !== null && path === `${CREDENTIALS_PATH}/${imds.role}`) {
      const { credentials, lastUpdated } = currentCredentials()
      return text(
        200,
        imdsJson([
          ['Code', 'Success'],
          ['LastUpdated', isoSeconds(lastUpdated)],
          ['Type', 'AWS-HMAC'],
          ['AccessKeyId', credentials.accessKeyId],
          ['SecretAccessKey', credentials.secretAccessKey],
          ['Token', credentials.sessionToken],
          ['Expiration', isoSeconds(credentials.expiration)],
        ]),
      )
    }
    return text(404, 'Not Found')
  }

  const loopback = await listenLoopback((req, res) => {
    req.resume()
    req.on('end', () => send(res, handle(req)))
  })
  const imds: MockImds = {
    url: loopback.url,
    port: loopback.port,
    calls: [],
    lifetimeMs: 6 * 3600_000,
    failing: false,
    mode: options.mode,
    role: options.role ?? 'gateway-role',
    close: loopback.close,
  }
  return imds
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name]
  return value === undefined ? null : Array.isArray(value) ? value.join(',') : value
}

const text = (status: number, body: string, headers: Record<string, string> = {}): Reply => ({ status, body, headers })

/** IMDS's own layout ("Key" : value, two-space indent); it answers JSON as text/plain. */
function imdsJson(fields: Array<[string, string]>): string {
  return `{\n${fields.map(([key, value]) => `  ${JSON.stringify(key)} : ${JSON.stringify(value)}`).join(',\n')}\n}`
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, {
    'Content-Type': 'text/plain',
    'Content-Length': String(Buffer.byteLength(reply.body)),
    Server: 'EC2ws',
    ...reply.headers,
  })
  res.end(reply.body)
}
