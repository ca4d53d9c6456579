// EC2 instance metadata (IMDS) credentials (docs/aws-protocols.md#instance-metadata): an IMDSv2
// session token, then the role name and the role's credentials. With `aws_imds_protocol_version:
// v1` (the default) a token request answered 403/404/405 means IMDSv1 from then on, and any other
// failure but a malformed request (400) or a refused connection means IMDSv1 for that attempt (an
// extra network hop drops the token's answer); with `v2` there is no fallback. Requests time out
// after one second, so a gateway off EC2 gives up quickly.

import { type Env, envString } from '../../env.ts'
import { checkHttpUrl } from '../../model/schema.ts'
import { ConfigError } from '../../model/validate.ts'
import { type Fetch, fetchText, TransportFailure } from '../../transport.ts'
import { type CredentialProvider, CredentialsNotFound } from '../types.ts'
import { credentialsFromJson } from './metadata.ts'

const DEFAULT_ENDPOINT = 'http://169.254.169.254'
const TIMEOUT_MS = 1000
const TOKEN_TTL_SECONDS = '21600'
const CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials/'

export function fromInstanceMetadata(env: Env, fetch: Fetch, version: 'v1' | 'v2'): CredentialProvider {
  const disabled = envString(env, 'AWS_EC2_METADATA_DISABLED')
  const endpoint = metadataEndpoint(env)
  let v1Only = false

  const request = (method: string, path: string, headers: Record<string, string>) => fetchText(fetch, endpoint + path, { method, headers }, TIMEOUT_MS)

  /** The IMDSv2 session token, or undefined to use IMDSv1. */
  const sessionToken = async (): Promise<string | undefined> => {
    if (v1Only) return undefined
    let answer: { status: number; text: string }
    try {
      answer = await request('PUT', '/latest/api/token', { 'x-aws-ec2-metadata-token-ttl-seconds': TOKEN_TTL_SECONDS })
    } catch (error) {
      if (version === 'v1' && error instanceof TransportFailure && error.timedOut) return undefined
      throw error
    }
    if (answer.status === 200) return answer.text
    if (version === 'v1' && answer.status !== 400) {
      if ([403, 404, 405].includes(answer.status)) v1Only = true
      return undefined
    }
    const fallback = version === 'v2' ? ' (aws_imds_protocol_version is v2: no IMDSv1 fallback)' : ''
    throw new Error(`EC2 instance metadata refused the IMDSv2 token request with ${answer.status}${fallback}`)
  }

  const get = async (path: string, token: string | undefined, what: string) => {
    const answer = await request('GET', path, token === undefined ? {} : { 'x-aws-ec2-metadata-token': token })
    if (answer.status === 200) return answer.text
    if (answer.status === 401) v1Only = false // the instance now requires IMDSv2
    const reason = answer.status === 404 && what === 'role name' ? ': no IAM role is attached to this instance' : ''
    throw new Error(`EC2 instance metadata answered ${answer.status} to the ${what} request${reason}`)
  }

  return async () => {
    if (disabled !== undefined && disabled.toLowerCase() !== 'false') throw new CredentialsNotFound('AWS_EC2_METADATA_DISABLED is set')
    try {
      const token = await sessionToken()
      const role = (await get(CREDENTIALS_PATH, token, 'role name')).split('\n')[0].trim()
      if (role === '') throw new Error('EC2 instance metadata named no IAM role')
      const text = await get(CREDENTIALS_PATH + encodeURIComponent(role), token, 'credentials')
      return credentialsFromJson(text, `EC2 instance metadata at ${endpoint}`, `instance metadata (role ${role}, IMDS${token === undefined ? 'v1' : 'v2'})`)
    } catch (error) {
      // Not on EC2: said beside the other sources' reasons.
      if (error instanceof TransportFailure) throw new CredentialsNotFound(`EC2 instance metadata at ${endpoint} unreachable: ${error.message}`)
      throw error
    }
  }
}

/** `AWS_EC2_METADATA_SERVICE_ENDPOINT`, without a trailing slash; ConfigError when it is not an http(s) URL. */
function metadataEndpoint(env: Env): string {
  const configured = envString(env, 'AWS_EC2_METADATA_SERVICE_ENDPOINT')
  if (configured === undefined) return DEFAULT_ENDPOINT
  const problem = checkHttpUrl(configured)
  if (problem) throw new ConfigError([{ path: 'AWS_EC2_METADATA_SERVICE_ENDPOINT', message: problem }])
  return configured.replace(/\/+$/, '')
}
