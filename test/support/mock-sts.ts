// Mock of AWS STS's Query API (AssumeRole, AssumeRoleWithWebIdentity) on loopback, answering in
// AWS's XML. AssumeRole signatures are checked with @smithy/signature-v4, an implementation
// independent of the gateway's aws4fetch. Issued keys go into the shared tables, so the mock
// Lambda (and this STS, for role chaining) accepts them.

import { Buffer } from 'node:buffer'
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { CredentialTables, IssuedCredentials } from './credential-tables.ts'
import { collectHeaders, expirationOf, isoSeconds, issueCredentials, listenLoopback, lookup, readBody } from './credential-tables.ts'
import { type ParsedAuthorization, parseAmzDate, parseAuthorization, parseQuery, signatureMatches } from './sigv4-verifier.ts'

export interface StsCall {
  /** the Action parameter ('' when missing) */
  action: string
  /** query-string and form-body parameters, decoded (the body wins on a clash) */
  params: Record<string, string>
  accessKeyId: string | null
  signatureValid: boolean
  /** the X-Amz-Security-Token header as received */
  sessionToken: string | null
  /** the region of the signature's credential scope */
  region: string | null
  /** the key issued by this call; null when it failed */
  issuedKeyId: string | null
}

export interface StsFailure {
  status: number
  code: string
  message: string
}

export interface MockStsOptions {
  tables: CredentialTables
  /** web identity tokens AssumeRoleWithWebIdentity accepts (the array is used, not copied) */
  webIdentityTokens?: string[]
}

export interface MockSts {
  /** http://127.0.0.1:PORT */
  url: string
  port: number
  calls: StsCall[]
  /** lifetime of issued credentials (DurationSeconds is validated but not applied; a role named expires-in-<N>s gets N s); default 1 h */
  lifetimeMs: number
  /** when set, every call answers this error */
  failure: StsFailure | null
  /** when true, requests are read but never answered (timeouts) */
  hang: boolean
  /** accepted web identity tokens; replace or push to rotate */
  webIdentityTokens: string[]
  close(): Promise<void>
}

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/'
const VERSION = '2011-06-15'
const ACTIONS = new Set(['AssumeRole', 'AssumeRoleWithWebIdentity'])
// STS tolerates 15 minutes of clock skew (Lambda only 5).
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000
const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/
const INVALID_TOKEN = 'The security token included in the request is invalid.'
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'

interface Reply {
  status: number
  body: string
}

export async function startMockSts(options: MockStsOptions): Promise<MockSts> {
  const { tables } = options
  const loopback = await listenLoopback((req, res) => {
    handleRequest(req, sts, tables).then(
      (reply) => {
        // A hanging call keeps its response open; close() destroys the socket.
        if (reply !== null) send(res, reply)
      },
      (error: unknown) => send(res, errorReply({ status: 500, code: 'InternalFailure', message: String(error) })),
    )
  })
  const sts: MockSts = {
    url: loopback.url,
    port: loopback.port,
    calls: [],
    lifetimeMs: 3600_000,
    failure: null,
    hang: false,
    webIdentityTokens: options.webIdentityTokens ?? [],
    close: loopback.close,
  }
  return sts
}

const error = (status: number, code: string, message: string): Reply => errorReply({ status, code, message })

async function handleRequest(req: IncomingMessage, sts: MockSts, tables: CredentialTables): Promise<Reply | null> {
  const body = await readBody(req)
  const method = req.method ?? 'GET'
  const rawUrl = req.url ?? '/'
  const queryStart = rawUrl.indexOf('?')
  const rawPath = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart)
  const rawQuery = queryStart === -1 ? '' : rawUrl.slice(queryStart + 1)
  const headers = collectHeaders(req)

  // The Query protocol takes parameters from the URL and, for a form body, from the body.
  const params: Record<string, string> = {}
  for (const [key, value] of new URLSearchParams(rawQuery)) params[key] = value
  const contentType = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
  if (contentType === 'application/x-www-form-urlencoded') {
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params[key] = value
  }

  const auth = parseAuthorization(headers.authorization)
  const call: StsCall = {
    action: lookup(params, 'Action') ?? '',
    params,
    accessKeyId: auth?.accessKeyId ?? null,
    signatureValid: false,
    sessionToken: lookup(headers, 'x-amz-security-token') ?? null,
    region: auth?.region ?? null,
    issuedKeyId: null,
  }
  sts.calls.push(call)

  if (sts.hang) return null
  if (sts.failure !== null) return errorReply(sts.failure)
  if (rawPath !== '/') return error(404, 'UnknownOperationException', `No operation at path ${rawPath}`)
  if (method !== 'POST' && method !== 'GET') return error(405, 'InvalidAction', `Method ${method} is not allowed`)

  const action = lookup(params, 'Action')
  if (action === undefined) return error(400, 'MissingAction', 'Missing Action')
  const version = lookup(params, 'Version')
  if (version !== VERSION || !ACTIONS.has(action)) {
    return error(400, 'InvalidAction', `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`)
  }

  if (action === 'AssumeRole') {
    const denied = await authenticate({ method, rawPath, rawQuery, headers, body, auth, tables })
    if (denied !== null) return denied
    call.signatureValid = true
    const invalid = validateRoleParams(params)
    if (invalid !== null) return invalid
    // Roles named denied* trust nobody, as a role whose trust policy leaves the caller out.
    if (/:role\/denied/.test(params.RoleArn)) {
      return error(
        403,
        'AccessDenied',
        `User: arn:aws:iam::123456789012:user/${auth?.accessKeyId} is not authorized to perform: sts:AssumeRole on resource: ${params.RoleArn}`,
      )
    }
    // Roles named expires-in-<N>s hand out credentials that expire in N seconds: a setting that
    // tests running in another runtime (workerd) reach through the gateway config alone.
    const lifetime = /:role\/expires-in-(\d+)s$/.exec(params.RoleArn)
    const issued = issueCredentials(tables, 'ASIASTS', lifetime ? Number(lifetime[1]) * 1000 : sts.lifetimeMs)
    call.issuedKeyId = issued.accessKeyId
    return { status: 200, body: successXml('AssumeRole', params, issued) }
  }

  // AssumeRoleWithWebIdentity takes no AWS credentials at all: anything resembling them is a client bug.
  if (auth !== null || 'authorization' in headers || 'x-amz-security-token' in headers || /(^|&)X-Amz-Signature=/i.test(rawQuery)) {
    return error(400, 'InvalidParameterValue', 'AssumeRoleWithWebIdentity must be called without AWS credentials (unsigned, no security token)')
  }
  const invalid = validateRoleParams(params, ['WebIdentityToken'])
  if (invalid !== null) return invalid
  const token = params.WebIdentityToken
  if (!sts.webIdentityTokens.includes(token)) {
    return error(400, 'InvalidIdentityToken', 'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)')
  }
  const issued = issueCredentials(tables, 'ASIAWEB', sts.lifetimeMs)
  call.issuedKeyId = issued.accessKeyId
  const claims = jwtClaims(token)
  // Split around the credentials: element order varies in AWS's answers, clients must search by name.
  const before: Array<[string, string]> = [
    ['SubjectFromWebIdentityToken', typeof claims.sub === 'string' ? claims.sub : 'system:serviceaccount:default:gateway'],
  ]
  const after: Array<[string, string]> = [
    ['Audience', typeof claims.aud === 'string' ? claims.aud : 'sts.amazonaws.com'],
    ['Provider', 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE0123456789'],
  ]
  return { status: 200, body: successXml('AssumeRoleWithWebIdentity', params, issued, before, after) }
}

interface AuthInput {
  method: string
  rawPath: string
  rawQuery: string
  headers: Record<string, string>
  body: Buffer
  auth: ParsedAuthorization | null
  tables: CredentialTables
}

/** null when the caller is who it claims to be; otherwise the error STS would answer. */
async function authenticate({ method, rawPath, rawQuery, headers, body, auth, tables }: AuthInput): Promise<Reply | null> {
  if (auth === null) return error(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token')
  const secret = lookup(tables.secrets, auth.accessKeyId)
  if (secret === undefined) return error(403, 'InvalidClientTokenId', INVALID_TOKEN)
  // A temporary key is only valid with its own token, a long-term key only without one.
  const expectedToken = lookup(tables.sessionTokens, auth.accessKeyId) ?? null
  if ((lookup(headers, 'x-amz-security-token') ?? null) !== expectedToken) return error(403, 'InvalidClientTokenId', INVALID_TOKEN)
  const expiration = expirationOf(tables, auth.accessKeyId)
  if (expiration !== undefined && expiration.getTime() <= Date.now()) {
    return error(403, 'ExpiredToken', 'The security token included in the request is expired')
  }
  const signingDate = parseAmzDate(headers['x-amz-date'])
  if (signingDate !== null && Math.abs(Date.now() - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) {
    return error(403, 'SignatureDoesNotMatch', `Signature expired: ${headers['x-amz-date']} is now earlier or later than the allowed 15 min skew.`)
  }
  if (signingDate === null) return error(403, 'SignatureDoesNotMatch', SIGNATURE_MISMATCH)
  const valid = await signatureMatches({ service: 'sts', method, rawPath, query: parseQuery(rawQuery), headers, body, auth, secret, signingDate })
  return valid ? null : error(403, 'SignatureDoesNotMatch', SIGNATURE_MISMATCH)
}

/** RoleArn and RoleSessionName (plus `required`) present and well-formed, like STS's model says. */
function validateRoleParams(params: Record<string, string>, required: string[] = []): Reply | null {
  const problems: string[] = []
  for (const name of ['RoleArn', 'RoleSessionName', ...required]) {
    if (lookup(params, name) === undefined) {
      problems.push(`Value null at '${name[0].toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`)
    }
  }
  const session = lookup(params, 'RoleSessionName')
  if (session !== undefined && !SESSION_NAME.test(session)) {
    problems.push(
      `Value '${session}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and length 2-64`,
    )
  }
  const duration = lookup(params, 'DurationSeconds')
  if (duration !== undefined && !(/^\d+$/.test(duration) && Number(duration) >= 900 && Number(duration) <= 43200)) {
    problems.push(`Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`)
  }
  if (problems.length > 0) {
    const count = problems.length === 1 ? '1 validation error detected' : `${problems.length} validation errors detected`
    return error(400, 'ValidationError', `${count}: ${problems.join('; ')}`)
  }
  const roleArn = lookup(params, 'RoleArn') ?? ''
  if (!ROLE_ARN.test(roleArn)) return error(400, 'ValidationError', `${roleArn} is invalid`)
  return null
}

/** The payload of a JWT-shaped token, or {} (tests may use opaque tokens). */
function jwtClaims(token: string): Record<string, unknown> {
  try {
    const claims: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => XML_ENTITIES[c])
}

function successXml(
  action: string,
  params: Record<string, string>,
  issued: IssuedCredentials,
  before: Array<[string, string]> = [],
  after: Array<[string, string]> = [],
): string {
  const [, partition, account, roleName] = ROLE_ARN.exec(params.RoleArn) ?? []
  const session = params.RoleSessionName
  const element = (name: string, value: string, indent: string) => `${indent}<${name}>${escapeXml(value)}</${name}>\n`
  const elements = (pairs: Array<[string, string]>) => pairs.map(([name, value]) => element(name, value, '    ')).join('')
  // AWS pretty-prints its XML. The role id carries an '&' so a client's entity decoding is exercised.
  return (
    `<${action}Response xmlns="${NAMESPACE}">\n` +
    `  <${action}Result>\n` +
    elements(before) +
    `    <AssumedRoleUser>\n` +
    element('AssumedRoleId', `AROAMOCK&ROLE${account}:${session}`, '      ') +
    element('Arn', `arn:${partition}:sts::${account}:assumed-role/${roleName}/${session}`, '      ') +
    `    </AssumedRoleUser>\n` +
    `    <Credentials>\n` +
    element('AccessKeyId', issued.accessKeyId, '      ') +
    element('SecretAccessKey', issued.secretAccessKey, '      ') +
    element('SessionToken', issued.sessionToken, '      ') +
    element('Expiration', isoSeconds(issued.expiration), '      ') +
    `    </Credentials>\n` +
    elements(after) +
    `  </${action}Result>\n` +
    `  <ResponseMetadata>\n` +
    `    <RequestId>${randomUUID()}</RequestId>\n` +
    `  </ResponseMetadata>\n` +
    `</${action}Response>\n`
  )
}

function errorReply({ status, code, message }: StsFailure): Reply {
  return {
    status,
    body:
      `<ErrorResponse xmlns="${NAMESPACE}">\n` +
      `  <Error>\n` +
      `    <Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type>\n` +
      `    <Code>${escapeXml(code)}</Code>\n` +
      `    <Message>${escapeXml(message)}</Message>\n` +
      `  </Error>\n` +
      `  <RequestId>${randomUUID()}</RequestId>\n` +
      `</ErrorResponse>\n`,
  }
}

function send(res: ServerResponse, reply: Reply): void {
  const bytes = Buffer.from(reply.body, 'utf8')
  const requestId = /<RequestId>([^<]+)<\/RequestId>/.exec(reply.body)?.[1] ?? randomUUID()
  res.writeHead(reply.status, {
    'Content-Type': 'text/xml',
    'Content-Length': String(bytes.length),
    'x-amzn-RequestId': requestId,
  })
  res.end(bytes)
}
