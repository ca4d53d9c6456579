// The credentials JSON the container and instance metadata endpoints both speak
// (`AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration`).

import type { Credentials } from '../types.ts'

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
  if (
    typeof AccessKeyId !== 'string' ||
    typeof SecretAccessKey !== 'string' ||
    typeof Token !== 'string' ||
    !expiration ||
    Number.isNaN(expiration.getTime())
  ) {
    throw new Error(`${where} answered without AccessKeyId, SecretAccessKey, Token and Expiration`)
  }
  return { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: Token, expiration, source }
}
