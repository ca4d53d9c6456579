// STS AssumeRole on top of base credentials (`aws_assume_role_arn`,
// docs/aws-protocols.md#assumerole): the base provider is asked on every call, so it refreshes on
// its own schedule.

import type { Fetch } from '../transport.ts'
import { callSts, type StsEndpoint } from './sts.ts'
import type { CredentialProvider, Credentials } from './types.ts'

export interface AssumeRoleOptions {
  source: CredentialProvider
  roleArn: string
  sessionName: string
  endpoint: StsEndpoint
  fetch: Fetch
}

export function fromAssumeRole(options: AssumeRoleOptions): CredentialProvider {
  const { source, roleArn, sessionName, endpoint, fetch } = options
  return async () => {
    let base: Credentials
    try {
      base = await source()
    } catch (error) {
      throw new Error(`no base credentials to assume ${roleArn} with: ${(error as Error).message}`, { cause: error })
    }
    const credentials = await callSts(fetch, endpoint, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: sessionName }, base)
    return { ...credentials, source: `assumed role ${roleArn}` }
  }
}
