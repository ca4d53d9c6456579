// STS over its raw Query API (docs/aws-protocols.md#sts-query-api): where the calls go, one
// form-encoded POST per call, and the XML answers and errors read by element name.

import { AwsV4Signer } from 'aws4fetch'
import { xmlElement } from '../encoding/xml.ts'
import { type Env, envString } from '../env.ts'
import { checkHttpUrl } from '../model/schema.ts'
import { ConfigError, type ConfigProblem } from '../model/validate.ts'
import { type Fetch, fetchText } from '../transport.ts'
import type { Credentials } from './types.ts'

export interface StsEndpoint {
  url: string
  /** The SigV4 signing region. */
  region: string
}

/** The environment's say on STS endpoints, read once at start. */
export interface StsSettings {
  /** `AWS_STS_REGIONAL_ENDPOINTS=legacy`: the global endpoint, signed for us-east-1. */
  legacy: boolean
  /** `AWS_ENDPOINT_URL_STS`. */
  endpointUrl: string | undefined
}

export function readStsSettings(env: Env): StsSettings {
  const problems: ConfigProblem[] = []
  const mode = envString(env, 'AWS_STS_REGIONAL_ENDPOINTS') ?? 'regional'
  if (mode !== 'regional' && mode !== 'legacy') problems.push({ path: 'AWS_STS_REGIONAL_ENDPOINTS', message: 'expected one of: regional, legacy' })
  const endpointUrl = envString(env, 'AWS_ENDPOINT_URL_STS')
  const urlProblem = endpointUrl === undefined ? undefined : checkHttpUrl(endpointUrl)
  if (urlProblem) problems.push({ path: 'AWS_ENDPOINT_URL_STS', message: urlProblem })
  if (problems.length > 0) throw new ConfigError(problems)
  return { legacy: mode === 'legacy', endpointUrl }
}

/** STS's RoleSessionName: 2-64 characters of letters, digits and `_+=,.@-`. */
export function checkRoleSessionName(value: string): string | undefined {
  return /^[\w+=,.@-]{2,64}$/.test(value) ? undefined : 'must be 2 to 64 characters: letters, digits and _+=,.@-'
}

const GLOBAL: StsEndpoint = { url: 'https://sts.amazonaws.com/', region: 'us-east-1' }

/**
 * `configured` (the plugin's `aws_sts_endpoint_url`) wins over `AWS_ENDPOINT_URL_STS`; both
 * are used as given (scheme, host, port and path), signed for the region their AWS host names
 * (us-east-1 for the global host) or else the route's. Otherwise the regional endpoint, or the
 * global one in legacy mode (partition aws only) or when no region is known.
 */
export function stsEndpoint(region: string | undefined, configured: string | undefined, settings: StsSettings): StsEndpoint {
  const legacy = settings.legacy && (region === undefined || !/^(cn|us-gov|us-iso[a-z]*)-/.test(region))
  const override = configured ?? settings.endpointUrl
  if (override !== undefined)
    return { url: override, region: hostRegion(new URL(override).hostname) ?? (legacy || region === undefined ? GLOBAL.region : region) }
  if (legacy || region === undefined) return GLOBAL
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'
  return { url: `https://sts.${region}.${suffix}/`, region }
}

/** The region an STS host of AWS's own names: `sts.amazonaws.com` is us-east-1. */
function hostRegion(host: string): string | undefined {
  if (host === 'sts.amazonaws.com') return GLOBAL.region
  return /^sts(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1]
}

const STS_TIMEOUT_MS = 5000

/** STS answered with an error, or with something that is not credentials. */
export class StsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StsError'
  }
}

/**
 * Calls `action` and returns the credentials of its answer. Signed with `signer` when given
 * (AssumeRole); unsigned otherwise (AssumeRoleWithWebIdentity).
 */
export async function callSts(fetch: Fetch, endpoint: StsEndpoint, action: string, params: Record<string, string>, signer?: Credentials): Promise<Credentials> {
  const body = new URLSearchParams({ Action: action, Version: '2011-06-15', ...params }).toString()
  let headers: HeadersInit = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }
  if (signer) {
    const { accessKeyId, secretAccessKey, sessionToken } = signer
    const signed = await new AwsV4Signer({
      method: 'POST',
      url: endpoint.url,
      headers,
      body,
      accessKeyId,
      secretAccessKey,
      sessionToken,
      service: 'sts',
      region: endpoint.region,
    }).sign()
    headers = signed.headers
  }
  let answer: { status: number; text: string }
  try {
    answer = await fetchText(fetch, endpoint.url, { method: 'POST', headers, body }, STS_TIMEOUT_MS)
  } catch (error) {
    throw new StsError(`STS ${action} at ${endpoint.url} failed: ${(error as Error).message}`)
  }
  const { status, text } = answer
  if (status !== 200) {
    const code = xmlElement(text, 'Code') ?? 'unknown error'
    const message = xmlElement(text, 'Message') ?? text.slice(0, 200)
    throw new StsError(`STS ${action} at ${endpoint.url} answered ${status}: ${code}: ${message}`)
  }
  const credentials = xmlElement(text, 'Credentials') ?? ''
  const accessKeyId = xmlElement(credentials, 'AccessKeyId')
  const secretAccessKey = xmlElement(credentials, 'SecretAccessKey')
  const sessionToken = xmlElement(credentials, 'SessionToken')
  const expiration = new Date(xmlElement(credentials, 'Expiration') ?? '')
  if (!accessKeyId || !secretAccessKey || !sessionToken || Number.isNaN(expiration.getTime())) {
    throw new StsError(`STS ${action} at ${endpoint.url} answered without complete credentials`)
  }
  return { accessKeyId, secretAccessKey, sessionToken, expiration }
}
