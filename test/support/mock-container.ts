// Mock of a container credentials endpoint on loopback: the ECS agent (RoleArn, whole-second
// Expiration) or the EKS Pod Identity agent (AccountId, nanosecond Expiration, plain-text errors).
import type { ServerResponse } from 'node:http'
import type { CredentialTables } from './credential-tables.ts'
import { isoSeconds, issueCredentials, listenLoopback } from './credential-tables.ts'

export interface ContainerCall {
  /** the request target as received (path and query) */
  path: string
  authorization: string | null
}

export interface MockContainerOptions {
  tables: CredentialTables
  /** expected Authorization value, compared verbatim; undefined = no header required */
  authorization?: string
}

export interface MockContainer {
  /** http://127.0.0.1:PORT */
  url: string
  port: number
  calls: ContainerCall[]
  /** mutable, so a test can rotate the expected token */
  authorization: string | undefined
  /** false: ECS agent shape (RoleArn); true: EKS Pod Identity agent shape (AccountId, fractional seconds) */
  podIdentityStyle: boolean
  /** lifetime of issued credentials; default 6 h */
  lifetimeMs: number
  /** when set, every request answers this status and plain-text body (plus the newline Go's http.Error adds) */
  failure: { status: number; body: string } | null
  close(): Promise<void>
}

export async function startMockContainer(options: MockContainerOptions): Promise<MockContainer> {
  const { tables } = options
  const loopback = await listenLoopback((req, res) => {
    req.resume()
    req.on('end', () => {
      const authorization = req.headers.authorization ?? null
      container.calls.push({ path: req.url ?? '/', authorization })
      if (container.failure !== null) return plain(res, container.failure.status, container.failure.body)
      if (req.method !== 'GET') return plain(res, 405, 'method not allowed')
      if (container.authorization !== undefined && authorization !== container.authorization) {
        return plain(res, 401, 'invalid token')
      }
      // A fresh set per call (a real agent repeats one set until it rotates), so a test can see
      // from the key id whether a client fetched again.
      const issued = issueCredentials(tables, 'ASIAECS', container.lifetimeMs)
      const seconds = isoSeconds(issued.expiration)
      const body = container.podIdentityStyle
        ? {
            AccessKeyId: issued.accessKeyId,
            SecretAccessKey: issued.secretAccessKey,
            Token: issued.sessionToken,
            AccountId: '123456789012',
            // Go's RFC3339Nano: milliseconds of the real expiry plus made-up sub-millisecond digits.
            Expiration: `${seconds.slice(0, -1)}.${String(issued.expiration.getUTCMilliseconds()).padStart(3, '0')}456789Z`,
          }
        : {
            RoleArn: 'arn:aws:iam::123456789012:role/ecs-task-role',
            AccessKeyId: issued.accessKeyId,
            SecretAccessKey: issued.secretAccessKey,
            Token: issued.sessionToken,
            Expiration: seconds,
          }
      const json = JSON.stringify(body)
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(json)) })
      res.end(json)
    })
  })
  const container: MockContainer = {
    url: loopback.url,
    port: loopback.port,
    calls: [],
    authorization: options.authorization,
    podIdentityStyle: false,
    lifetimeMs: 6 * 3600_000,
    failure: null,
    close: loopback.close,
  }
  return container
}

/** Errors as Go's http.Error writes them (the EKS agent's way): text/plain, a trailing newline. */
function plain(res: ServerResponse, status: number, message: string): void {
  const body = `${message}\n`
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': String(Buffer.byteLength(body)),
  })
  res.end(body)
}
