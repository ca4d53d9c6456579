// Who the request is, where functions written for API Gateway look for it: what API Gateway's
// own authorizers and usage-plan keys put in an event's requestContext, filled from what Kong's
// authentication plugins found (docs/aws-lambda-plugin.md#identity-in-api-gateway-events).
// Without an authenticated consumer, nothing: the event is the one an API without authorizers sends.

import type { GatewayConsumer, GatewayCredential } from '../../../model/declarative.ts'
import type { LambdaRequest } from '../lambda-request.ts'

type Claims = Readonly<Record<string, unknown>>

/**
 * Payload 1.0 (REST API): a JWT authorizer's `claims` (each claim with its JSON type, as AWS's
 * REST JWT authorizers pass them to a proxy integration), else a Lambda authorizer's
 * `principalId` (the consumer's id) and context keys, which AWS turns into strings.
 */
export function authorizerV1(request: LambdaRequest): Record<string, unknown> | undefined {
  if (request.authenticatedJwt) return { claims: request.authenticatedJwt.claims }
  const { consumer, credential } = request
  if (!consumer) return undefined
  const context = Object.entries(consumerContext(consumer, !credential)).map(([key, value]) => [key, Array.isArray(value) ? value.join(',') : String(value)])
  return { principalId: consumer.id, integrationLatency: 0, ...Object.fromEntries(context) }
}

/**
 * Payload 2.0 (HTTP API): a JWT authorizer's `jwt` (claims as strings, `scopes` from the token),
 * else a Lambda authorizer's `lambda` context (JSON values).
 */
export function authorizerV2(request: LambdaRequest): Record<string, unknown> | undefined {
  const jwt = request.authenticatedJwt
  if (jwt) return { jwt: { claims: httpApiClaims(jwt.claims), scopes: tokenScopes(jwt.claims) } }
  return request.consumer && { lambda: consumerContext(request.consumer, !request.credential) }
}

/**
 * Payload 1.0's usage-plan key fields for a key-auth credential: `apiKeyId` its id, `apiKey` the
 * key only when the function already sees it as a header or query value (AWS always sends it;
 * Kong never hands the upstream a key that `hide_credentials` removed).
 */
export function apiKeyIdentity(
  credential: GatewayCredential | undefined,
  headers: Record<string, string[]>,
  query: Map<string, string[]>,
): { apiKey: string | null; apiKeyId: string | null } {
  if (credential?.kind !== 'keyauth') return { apiKey: null, apiKeyId: null }
  const { key } = credential
  const seen = [...Object.values(headers), ...query.values()].some((values) => values.includes(key))
  return { apiKey: seen ? key : null, apiKeyId: credential.id }
}

/**
 * The consumer as a Lambda authorizer would describe it (the X-Consumer-* headers' facts):
 * its id, username, custom_id and consumer groups when it has them, `anonymous` for the
 * anonymous consumer (no credential).
 */
function consumerContext(consumer: GatewayConsumer, anonymous: boolean): Record<string, string | boolean | string[]> {
  return {
    consumerId: consumer.id,
    ...(consumer.username === undefined ? {} : { consumerUsername: consumer.username }),
    ...(consumer.custom_id === undefined ? {} : { consumerCustomId: consumer.custom_id }),
    ...(consumer.groups.length === 0 ? {} : { consumerGroups: consumer.groups.map((group) => group.name) }),
    ...(anonymous ? { anonymous: true } : {}),
  }
}

/**
 * Claims as an HTTP API JWT authorizer passes them: strings as they are, numbers and booleans
 * as text, arrays as `[a b]`, objects as JSON text, null claims left out.
 */
function httpApiClaims(claims: Claims): Record<string, string> {
  const text = (value: unknown): string =>
    typeof value === 'string'
      ? value
      : Array.isArray(value)
        ? `[${value.map(text).join(' ')}]`
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value)
  return Object.fromEntries(Object.entries(claims).flatMap(([name, value]) => (value == null ? [] : [[name, text(value)]])))
}

/** The token's scopes: its `scope` (space-separated), else its `scp` (a list, or space-separated); null when none. */
function tokenScopes(claims: Claims): string[] | null {
  const granted = claims.scope ?? claims.scp
  const scopes = (Array.isArray(granted) ? granted : typeof granted === 'string' ? granted.split(' ') : []).filter(
    (scope) => typeof scope === 'string' && scope !== '',
  )
  return scopes.length > 0 ? scopes : null
}
