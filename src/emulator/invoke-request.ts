// An Invoke request (docs/aws-protocols.md#lambda-invoke-api), read and checked in AWS's order: the
// operation, the signer's key and clock, the payload limit (before the body is asked for), the
// signature, then the parameters, the function and the payload. The first thing wrong is refused
// with AWS's error.

import { Buffer } from 'node:buffer'
import type { IncomingMessage } from 'node:http'
import type { LogFields } from '../log.ts'
import { apiError, authError, enumConstraint, userError, validationMessage } from './aws-errors.ts'
import { DEFAULT_ACCOUNT, findFunctionFile, isQualifier, parseFunctionName, toFunctionError } from './functions.ts'
import type { Reply } from './http-reply.ts'
import { collectHeaders, declaredLength, readBody } from './http-request.ts'
import { type Authenticated, checkCredentials, createVerifier } from './sigv4.ts'

type InvocationType = 'RequestResponse' | 'Event' | 'DryRun'

/** The function an Invoke names, found in the functions directory. */
export interface Target {
  name: string
  file: string
  invokedFunctionArn: string
}

export interface InvokeRequest {
  /** InvokeWithResponseStream: the answer is an event stream of the function's writes. */
  streaming: boolean
  target: Target
  invocationType: InvocationType
  tail: boolean
  event: unknown
  clientContext: unknown
}

/** The request, or the reply refusing it; either way what the log line says of it. */
type ReadRequest = { fields: LogFields } & ({ request: InvokeRequest } | { reply: Reply })

const SYNC_LIMIT = 6291456
const EVENT_LIMIT = 1048576
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/
const STREAM_PATH = /^\/2021-11-15\/functions\/([^/]+)\/response-streaming-invocations$/
const INVOCATION_TYPES: readonly InvocationType[] = ['Event', 'RequestResponse', 'DryRun']
/** InvokeWithResponseStream has no Event invocations. */
const STREAM_INVOCATION_TYPES: readonly InvocationType[] = ['RequestResponse', 'DryRun']
const LOG_TYPES: readonly string[] = ['None', 'Tail']
const NAME_PATTERN = '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?'

/** Thrown by the checks below to end reading with a reply. */
class Refusal {
  readonly reply: Reply
  constructor(reply: Reply) {
    this.reply = reply
  }
}

function refuse(reply: Reply): never {
  throw new Refusal(reply)
}

/** `continueBody` sends 100 Continue to a client that waits for it before sending the body. */
export function createRequestReader(
  functionsDir: string,
  credentials: Record<string, string>,
): (req: IncomingMessage, continueBody: () => void) => Promise<ReadRequest> {
  const verify = createVerifier()

  async function read(req: IncomingMessage, continueBody: () => void, fields: LogFields): Promise<InvokeRequest> {
    const { functionSegment, requestTarget, query, streaming } = matchInvoke(req, fields)
    const headers = collectHeaders(req)
    const authenticated = checkCredentials(headers, credentials, Date.now())
    if ('status' in authenticated) {
      fields.errorType = authenticated.type
      refuse(authError(authenticated))
    }
    fields.accessKeyId = authenticated.auth.accessKeyId
    fields.region = authenticated.auth.region
    const invocationType = headers['x-amz-invocation-type'] ?? 'RequestResponse'
    fields.type = invocationType

    const body = await readPayload(req, invocationType, continueBody, fields)
    const failure = await verify({ method: req.method ?? 'POST', target: requestTarget, headers, body }, authenticated)
    if (failure !== null) {
      fields.errorType = failure.type
      refuse(authError(failure))
    }

    const parameters = checkParameters(invocationType, headers['x-amz-log-type'] ?? 'None', streaming ? STREAM_INVOCATION_TYPES : INVOCATION_TYPES)
    const target = await findTarget(functionsDir, functionSegment, query, authenticated, fields)
    // Only a synchronous invocation hands the function its client context.
    const clientContext = parameters.invocationType === 'RequestResponse' ? readClientContext(headers['x-amz-client-context']) : undefined
    return { ...parameters, streaming, target, clientContext, event: parseEvent(body) }
  }

  return async (req, continueBody) => {
    const fields: LogFields = {}
    try {
      return { request: await read(req, continueBody, fields), fields }
    } catch (error) {
      if (error instanceof Refusal) return { reply: error.reply, fields }
      throw error
    }
  }
}

/**
 * POST /2015-03-31/functions/{name}/invocations (Invoke) or
 * /2021-11-15/functions/{name}/response-streaming-invocations (InvokeWithResponseStream);
 * anything else is an unknown operation.
 */
function matchInvoke(req: IncomingMessage, fields: LogFields): { functionSegment: string; requestTarget: string; query: string; streaming: boolean } {
  const requestTarget = req.url ?? '/'
  const queryStart = requestTarget.indexOf('?')
  const path = queryStart === -1 ? requestTarget : requestTarget.slice(0, queryStart)
  const invoke = req.method === 'POST' ? INVOKE_PATH.exec(path) : null
  const stream = req.method === 'POST' && invoke === null ? STREAM_PATH.exec(path) : null
  const match = invoke ?? stream
  if (match === null) {
    fields.method = req.method
    fields.path = path
    refuse(userError(404, 'UnknownOperationException', 'Unknown operation'))
  }
  if (stream) fields.operation = 'InvokeWithResponseStream'
  return { functionSegment: match[1], requestTarget, query: queryStart === -1 ? '' : requestTarget.slice(queryStart + 1), streaming: stream !== null }
}

/** The body within the invocation type's payload limit; asked for only when Content-Length allows it. */
async function readPayload(req: IncomingMessage, invocationType: string, continueBody: () => void, fields: LogFields): Promise<Buffer> {
  const limit = invocationType === 'Event' ? EVENT_LIMIT : SYNC_LIMIT
  if (!(declaredLength(req) > limit)) continueBody()
  const read = await readBody(req, limit)
  if ('body' in read) return read.body
  fields.bytes = read.tooLarge
  const message =
    invocationType === 'Event'
      ? `${read.tooLarge} byte payload is too large for the Event invocation type (limit ${EVENT_LIMIT} bytes)`
      : `Request must be smaller than ${SYNC_LIMIT} bytes for the InvokeFunction operation`
  refuse(apiError(413, 'RequestEntityTooLargeException', { message }))
}

const isInvocationType = (value: string): value is InvocationType => (INVOCATION_TYPES as readonly string[]).includes(value)

/** X-Amz-Invocation-Type and X-Amz-Log-Type, each one of the operation's values. */
function checkParameters(invocationType: string, logType: string, types: readonly InvocationType[]): { invocationType: InvocationType; tail: boolean } {
  if (!isInvocationType(invocationType) || !types.includes(invocationType)) {
    const message = validationMessage(invocationType, 'invocationType', enumConstraint(types))
    refuse(userError(400, 'InvalidParameterValueException', message))
  }
  if (!LOG_TYPES.includes(logType)) {
    refuse(userError(400, 'InvalidParameterValueException', validationMessage(logType, 'logType', enumConstraint(LOG_TYPES))))
  }
  return { invocationType, tail: logType === 'Tail' }
}

/** The function named by the path (a name, a partial or a full ARN) and the Qualifier, found on disk. */
async function findTarget(functionsDir: string, segment: string, query: string, { auth }: Authenticated, fields: LogFields): Promise<Target> {
  let functionName = segment
  try {
    functionName = decodeURIComponent(segment)
  } catch {
    // left as sent: its "%" fails the name pattern
  }
  fields.function = functionName
  const ref = parseFunctionName(functionName)
  if (ref === null) {
    const message = validationMessage(functionName, 'functionName', `Member must satisfy regular expression pattern: ${NAME_PATTERN}`)
    refuse(apiError(400, 'ValidationException', { message }))
  }
  fields.function = ref.name
  const queryQualifier = new URLSearchParams(query).get('Qualifier') || null
  if (queryQualifier !== null && !isQualifier(queryQualifier)) {
    const message = `Invalid qualifier '${queryQualifier}': use $LATEST or a version or alias name ([A-Za-z0-9_-]+, at most 128 characters).`
    refuse(userError(400, 'InvalidParameterValueException', message))
  }
  if (queryQualifier !== null && ref.qualifier !== null && queryQualifier !== ref.qualifier) {
    refuse(userError(400, 'InvalidParameterValueException', 'The derived qualifier from the function name does not match the specified qualifier.'))
  }
  const qualifier = queryQualifier ?? ref.qualifier
  const functionArn = `arn:aws:lambda:${ref.region ?? auth.region}:${ref.account ?? DEFAULT_ACCOUNT}:function:${ref.name}`
  const invokedFunctionArn = qualifier === null ? functionArn : `${functionArn}:${qualifier}`
  const file = await findFunctionFile(functionsDir, ref.name)
  if (file === null) refuse(apiError(404, 'ResourceNotFoundException', { Type: 'User', Message: `Function not found: ${invokedFunctionArn}` }))
  return { name: ref.name, file, invokedFunctionArn }
}

/** X-Amz-Client-Context, which the function sees as context.clientContext. */
function readClientContext(header: string | undefined): unknown {
  if (header === undefined) return undefined
  const context = decodeClientContext(header)
  if (context === undefined) refuse(userError(400, 'InvalidRequestContentException', 'Client context must be a valid Base64-encoded JSON object.'))
  return context
}

/** Base64 of a JSON object, at most 3583 characters; undefined when it is not one. */
function decodeClientContext(value: string): unknown {
  if (value.length > 3583 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return undefined
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64').toString('utf8'))
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : undefined
  } catch {
    return undefined
  }
}

/** The event: the body as JSON; an empty body is {}. */
function parseEvent(body: Buffer): unknown {
  try {
    return body.length === 0 ? {} : JSON.parse(body.toString('utf8'))
  } catch (error) {
    refuse(userError(400, 'InvalidRequestContentException', `Could not parse request body into json: ${toFunctionError(error).errorMessage}`))
  }
}
