// The API Gateway events the tests build, checked against AWS's published event schemas:
// APIGatewayProxyEventSchema (payload 1.0) and APIGatewayProxyEventV2Schema (2.0) of Powertools
// for AWS Lambda (TypeScript)'s parser,
// https://github.com/aws-powertools/powertools-lambda-typescript/tree/main/packages/parser — a
// model of AWS's events nobody here wrote.
//
// Strict: zod drops keys its schema does not know without a word, so every key that parsing
// dropped is a problem too, except the ones listed below, which AWS sends and the schema leaves out.
//
// What the schemas allow that the gateway never sends (it has no client certificates,
// deployments, stage variables or WebSocket APIs, and no IAM authorization): in 1.0
// `requestContext`'s `deploymentId`, `operationName`, `identity.clientCert` and the WebSocket
// keys (`connectedAt`, `connectionId`, `eventType`, `messageDirection`, `messageId`,
// `routeKey`); in 2.0 `requestContext.authorizer.iam`, `requestContext.authentication` and
// `stageVariables`. `requestContext.authorizer` is there only when an authentication plugin
// recognised the request (src/plugins/aws-lambda/payload/authorizer.ts).

import { APIGatewayProxyEventSchema } from '@aws-lambda-powertools/parser/schemas/api-gateway'
import { APIGatewayProxyEventV2Schema } from '@aws-lambda-powertools/parser/schemas/api-gatewayv2'

const SCHEMAS = {
  '1.0': {
    schema: APIGatewayProxyEventSchema,
    // HTTP APIs' 1.0 events carry `version: "1.0"` (as Kong's do); REST APIs' have no version
    // key, and the schema, written for those, does not list it.
    notInSchema: ['version'],
  },
  '2.0': { schema: APIGatewayProxyEventV2Schema, notInSchema: [] as string[] },
}

/** What AWS sends for a request without a body: `body: null` in 1.0, no `body` key in 2.0 (its schema refuses null). */
export const NO_BODY = {
  '1.0': { body: null, isBase64Encoded: false },
  '2.0': { isBase64Encoded: false },
}

/** The body keys `event` has, with their values: to compare with NO_BODY. */
export const bodyKeys = (event: Record<string, unknown>) =>
  Object.fromEntries(['body', 'isBase64Encoded'].filter((key) => key in event).map((key) => [key, event[key]]))

/** Every way `event` departs from AWS's schema for its version, as `path: reason`; [] when none. */
export function awsSchemaProblems(event: Record<string, unknown>): string[] {
  const version = String(event.version)
  if (version !== '1.0' && version !== '2.0') return [`version: ${JSON.stringify(event.version)} is neither "1.0" nor "2.0"`]
  const { schema, notInSchema } = SCHEMAS[version]
  const result = schema.safeParse(event)
  if (!result.success) return result.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`)
  return droppedKeys(event, result.data)
    .filter((path) => !notInSchema.includes(path) && !(version === '1.0' && isLambdaAuthorizerContext(event, path)))
    .map((path) => `${path}: not in AWS's schema`)
}

/**
 * A 1.0 Lambda authorizer's context keys: AWS sends them beside `principalId` in
 * `requestContext.authorizer`, and the schema, which lists only `principalId` and
 * `integrationLatency` there, drops them. Strings only, as AWS sends them.
 */
function isLambdaAuthorizerContext(event: Record<string, any>, path: string): boolean {
  const authorizer = event.requestContext?.authorizer
  const key = /^requestContext\.authorizer\.([^.]+)$/.exec(path)?.[1]
  return key !== undefined && typeof authorizer?.principalId === 'string' && typeof authorizer[key] === 'string'
}

/** The paths of the keys of `sent` that are missing from `parsed`, at any depth. */
function droppedKeys(sent: unknown, parsed: unknown, path = ''): string[] {
  if (typeof sent !== 'object' || sent === null || typeof parsed !== 'object' || parsed === null) return []
  return Object.keys(sent).flatMap((key) => {
    const at = path === '' ? key : `${path}.${key}`
    return Object.hasOwn(parsed, key) ? droppedKeys((sent as Record<string, unknown>)[key], (parsed as Record<string, unknown>)[key], at) : [at]
  })
}
