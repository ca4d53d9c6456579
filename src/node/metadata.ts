// What the container and instance metadata providers share: bounded answers, and the
// credentials JSON both speak (`AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration`).

import type { Credentials } from '../credentials/types.ts'

/** Credentials answers are small: anything longer is not one. */
const MAX_ANSWER_BYTES = 64 * 1024

export async function readCapped(response: Response): Promise<string> {
  const bytes = new Uint8Array(await response.arrayBuffer())
  if (bytes.byteLength > MAX_ANSWER_BYTES) throw new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`)
  return new TextDecoder().decode(bytes)
}

export function credentialsFromJson(text: string, where: string, source: string): Credentials {
  let parsed: Record<string, unknown>
  try {
    parsed = JSON.parse(text) as Record<string, unknown>
  } catch {
    throw new Error(`${where} answered something that is not JSON`)
  }
  const { AccessKeyId, SecretAccessKey, Token, Expiration, Code } = parsed ?? {}
  if (Code !== undefined && Code !== 'Success') throw new Error(`${where} answered Code ${JSON.stringify(Code)}`)
  // Expiration may carry fractional seconds (the EKS Pod Identity agent's Go RFC 3339).
  const expiration = typeof Expiration === 'string' ? new Date(Expiration) : undefined
  if (typeof AccessKeyId !== 'string' || typeof SecretAccessKey !== 'string' || typeof Token !== 'string' || !expiration || Number.isNaN(expiration.getTime())) {
    throw new Error(`${where} answered without AccessKeyId, SecretAccessKey, Token and Expiration`)
  }
  return { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: Token, expiration, source }
}
