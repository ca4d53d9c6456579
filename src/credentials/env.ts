// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), then the AMAZON_* names
// Kong's library also reads. On Workers the environment is the bindings and secrets.

import { type Env, envString } from '../env.ts'
import { type CredentialProvider, type Credentials, CredentialsNotFound } from './types.ts'

export function fromEnv(env: Env): CredentialProvider {
  return async () => {
    for (const prefix of ['AWS', 'AMAZON']) {
      const credentials = read(env, prefix)
      if (credentials) return credentials
    }
    throw new CredentialsNotFound('AWS_ACCESS_KEY_ID is not set')
  }
}

function read(env: Env, prefix: string): Credentials | undefined {
  const accessKeyId = envString(env, `${prefix}_ACCESS_KEY_ID`)
  if (accessKeyId === undefined) return undefined
  const secretAccessKey = envString(env, `${prefix}_SECRET_ACCESS_KEY`)
  // A half-set pair is a mistake to report, not a reason to try other sources silently.
  if (secretAccessKey === undefined) {
    throw new Error(`${prefix}_ACCESS_KEY_ID is set but ${prefix}_SECRET_ACCESS_KEY is not`)
  }
  const sessionToken = envString(env, `${prefix}_SESSION_TOKEN`)
  const source = `environment (${prefix}_ACCESS_KEY_ID)`
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken, source } : { accessKeyId, secretAccessKey, source }
}
