// Long-lived keys from the plugin config (`aws_key` / `aws_secret`, vault references resolved).

import type { CredentialProvider } from './types.ts'

export function fromStatic(accessKeyId: string, secretAccessKey: string): CredentialProvider {
  const credentials = Object.freeze({ accessKeyId, secretAccessKey, source: 'plugin config (aws_key)' })
  return async () => credentials
}
