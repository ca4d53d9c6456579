// A token read as Kong's jwt_parser reads it: the first two dots split the header, the claims
// and the signature (further dots stay in the signature, which then does not decode); the
// parts are base64url, padded or not. The checks and their words are Kong's
// (https://github.com/Kong/kong/blob/master/kong/plugins/jwt/jwt_parser.lua).

import { type Bytes, base64UrlToBytes } from '../../encoding/base64.ts'
import { JWT_ALGORITHMS } from '../../model/entities/credentials.ts'

type Json = Record<string, unknown>

export interface ParsedToken {
  header: Json & { alg: string }
  claims: Json
  /** What the signature signs: the header and claims parts with the dot between them, as sent. */
  signed: string
  signature: Bytes
}

/** The token's header and claims, or the reason Kong gives after `Bad token; `. */
export function parseToken(token: string): ParsedToken | { problem: string } {
  const first = token.indexOf('.')
  const second = first === -1 ? -1 : token.indexOf('.', first + 1)
  if (second === -1) return { problem: 'invalid JSON' }
  let header: unknown
  let claims: unknown
  try {
    header = decodeJson(token.slice(0, first))
    claims = decodeJson(token.slice(first + 1, second))
  } catch {
    return { problem: 'invalid JSON' }
  }
  const alg = isObject(header) ? header.alg : undefined
  if (typeof alg !== 'string' || !(JWT_ALGORITHMS as readonly string[]).includes(alg)) return { problem: 'invalid alg' }
  // Kong reads any JSON table as claims (an array has none of the claims asked for).
  if (typeof claims !== 'object' || claims === null) return { problem: 'invalid claims' }
  const signature = base64UrlToBytes(token.slice(second + 1))
  if (!signature) return { problem: 'invalid signature' }
  return { header: header as ParsedToken['header'], claims: claims as Json, signed: token.slice(0, second), signature }
}

function decodeJson(part: string): unknown {
  const bytes = base64UrlToBytes(part)
  if (!bytes) throw new TypeError('not base64url')
  return JSON.parse(new TextDecoder().decode(bytes))
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Kong's verify_registered_claims: each claim named must be a number and hold now; problems by claim. */
export function claimProblems(claims: Json, toVerify: readonly string[], now: number): Record<string, string> | undefined {
  const problems: Record<string, string> = {}
  for (const name of new Set(toVerify)) {
    const value = claims[name]
    if (typeof value !== 'number') problems[name] = 'must be a number'
    else if (name === 'exp' ? value <= now : value > now) problems[name] = name === 'exp' ? 'token expired' : 'token not valid yet'
  }
  return Object.keys(problems).length > 0 ? problems : undefined
}

/** Kong's check_maximum_expiration: `exp` no further than `maximum` seconds from now. */
export function expiresTooLate(claims: Json, maximum: number, now: number): boolean {
  return maximum > 0 && (claims.exp === undefined || (claims.exp as number) - now > maximum)
}
