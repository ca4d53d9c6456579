// The jwt plugin (Kong's kong/plugins/jwt, priority 1450): a request is its consumer's when it
// carries a token signed with one of the consumer's jwt_secrets, found by the token's `iss`
// (`key_claim_name`), and the claims asked for hold
// (https://github.com/Kong/kong/blob/master/kong/plugins/jwt/handler.lua). Signatures are
// checked by WebCrypto; the token's reading, the claim rules and every answer are Kong's.

import type { JwtSecret } from '../../model/config.ts'
import { jsonResponse } from '../../pipeline/answers.ts'
import { alreadyAuthenticated, anonymousConsumer, authenticate } from '../../pipeline/authenticate.ts'
import type { RequestContext } from '../../pipeline/context.ts'
import type { GatewayServices, PluginDefinition } from '../../pipeline/plugin.ts'
import { type VerificationKey, verificationKey } from './keys.ts'
import { checkJwtConfig, type JwtConfig, jwtSchema } from './schema.ts'
import { claimProblems, expiresTooLate, parseToken } from './token.ts'
import { findTokens } from './tokens.ts'

export const jwtPlugin: PluginDefinition<typeof jwtSchema> = {
  name: 'jwt',
  priority: 1450,
  schema: jwtSchema,
  noConsumer: true,
  check: checkJwtConfig,
  create(config, { consumers, path, services }) {
    const anonymous = anonymousConsumer(config.anonymous, consumers, path)
    const byKey = services.once('jwt:keys', () => new Map(consumers.credentials.jwt.map((credential) => [credential.key, credential])))
    const realm = config.realm === undefined ? 'Bearer' : `Bearer realm="${config.realm}"`
    const challenge = { plain: realm, invalid: `${realm}${config.realm === undefined ? ' ' : ', '}error="invalid_token"` }
    return {
      async access(ctx) {
        if (!config.run_on_preflight && ctx.method === 'OPTIONS') return undefined
        if (alreadyAuthenticated(ctx, config.anonymous)) return undefined
        const refusal = await verify(ctx, config, byKey, services, challenge)
        if (!refusal) return undefined
        if (!anonymous) return refusal
        authenticate(ctx, anonymous)
        return undefined
      },
    }
  },
}

/** Kong's do_authentication: undefined when the request is now a consumer's, else Kong's 401. */
async function verify(
  ctx: RequestContext,
  config: JwtConfig,
  byKey: ReadonlyMap<string, JwtSecret>,
  services: GatewayServices,
  challenge: { plain: string; invalid: string },
): Promise<Response | undefined> {
  const refuse = (body: unknown, header = challenge.invalid) => {
    const response = jsonResponse(401, body)
    response.headers.set('www-authenticate', header)
    return response
  }
  const found = findTokens(ctx, config)
  if (found.kind === 'none') return refuse({ message: 'Unauthorized' }, challenge.plain)
  if (found.kind === 'many') return refuse({ message: 'Multiple tokens provided' })
  if (found.kind === 'unrecognizable') return refuse({ message: 'Unrecognizable token' })
  const { token } = found
  const parsed = parseToken(token)
  if ('problem' in parsed) return refuse({ message: `Bad token; ${parsed.problem}` })
  const { header, claims } = parsed
  const claim = config.key_claim_name
  // Kong reads the claim, else (absent or false) the header field of that name.
  const inClaims = claims[claim]
  const named = inClaims === undefined || inClaims === null || inClaims === false ? header[claim] : inClaims
  if (named === undefined || named === null || named === false) return refuse({ message: `No mandatory '${claim}' in claims` })
  if (named === '') return refuse({ message: `Invalid '${claim}' in claims` })
  const credential = typeof named === 'string' ? byKey.get(named) : undefined
  if (!credential) return refuse({ message: `No credentials found for given '${claim}'` })
  if (header.alg !== credential.algorithm) return refuse({ message: 'Invalid algorithm' })
  // A key that does not import, or that is refused (RSA under 2048 bits, Ed448), is the
  // credential's fault: Kong's words for a credential without a usable key, and a log line.
  const unusable = (error: unknown) => {
    ctx.log.error('jwt: the credential has no key this gateway verifies with', {
      credential: credential.id,
      algorithm: credential.algorithm,
      error: (error as Error).message,
    })
    return refuse({ message: 'Invalid key/secret' })
  }
  let key: VerificationKey | undefined
  try {
    key = await verificationKey(services, credential, config.secret_is_base64)
  } catch (error) {
    return unusable(error)
  }
  if (!key) return refuse({ message: 'Invalid key/secret' })
  // RFC 7515 §4.1.11: a token whose `crit` names extensions must be refused by a verifier that knows none (Kong ignores it).
  if (header.crit !== undefined) return refuse({ message: 'Invalid signature' })
  let valid: boolean
  try {
    valid = await crypto.subtle.verify(key.params, key.key, parsed.signature, new TextEncoder().encode(parsed.signed))
  } catch (error) {
    return unusable(error)
  }
  if (!valid) return refuse({ message: 'Invalid signature' })
  const now = Math.floor(Date.now() / 1000)
  const problems = claimProblems(claims, config.claims_to_verify ?? [], now)
  if (problems) return refuse(problems)
  if (expiresTooLate(claims, config.maximum_expiration, now)) return refuse({ exp: 'exceeds maximum allowed expiration' })
  authenticate(ctx, credential.consumer, { credential, identifier: credential.key })
  ctx.authenticatedJwt = { token, header, claims }
  return undefined
}
