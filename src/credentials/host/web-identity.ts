// EKS IRSA: `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (+ `AWS_ROLE_SESSION_NAME`) → unsigned
// STS AssumeRoleWithWebIdentity (docs/aws-protocols.md#web-identity). The token file is read on
// every call: kubelet rewrites it before it expires.

import { readFile } from 'node:fs/promises'
import { type Env, envString } from '../../env.ts'
import { ConfigError } from '../../model/validate.ts'
import type { Fetch } from '../../transport.ts'
import { callSts, checkRoleSessionName, type StsEndpoint } from '../sts.ts'
import { type CredentialProvider, CredentialsNotFound } from '../types.ts'

export function fromWebIdentity(env: Env, fetch: Fetch, endpoint: StsEndpoint): CredentialProvider {
  const tokenFile = envString(env, 'AWS_WEB_IDENTITY_TOKEN_FILE')
  const roleArn = envString(env, 'AWS_ROLE_ARN')
  // Half a configuration is a mistake to report, not a reason to try the next source.
  if ((tokenFile === undefined) !== (roleArn === undefined)) {
    const [set, unset] = tokenFile === undefined ? ['AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE'] : ['AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN']
    throw new ConfigError([{ path: unset, message: `must be set when ${set} is (EKS IAM roles for service accounts)` }])
  }
  const sessionName = envString(env, 'AWS_ROLE_SESSION_NAME') ?? `lambda-gateway-${Date.now()}`
  const problem = checkRoleSessionName(sessionName)
  if (problem) throw new ConfigError([{ path: 'AWS_ROLE_SESSION_NAME', message: problem }])
  return async () => {
    if (tokenFile === undefined || roleArn === undefined) throw new CredentialsNotFound('AWS_WEB_IDENTITY_TOKEN_FILE is not set')
    let token: string
    try {
      token = (await readFile(tokenFile, 'utf8')).trim()
    } catch (error) {
      throw new Error(`cannot read AWS_WEB_IDENTITY_TOKEN_FILE ${tokenFile}: ${(error as Error).message}`)
    }
    if (token === '') throw new Error(`AWS_WEB_IDENTITY_TOKEN_FILE ${tokenFile} is empty`)
    const credentials = await callSts(fetch, endpoint, 'AssumeRoleWithWebIdentity', { RoleArn: roleArn, RoleSessionName: sessionName, WebIdentityToken: token })
    return { ...credentials, source: `web identity (${roleArn})` }
  }
}
