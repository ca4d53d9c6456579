// Container credentials: ECS task roles (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` on 169.254.170.2)
// and EKS Pod Identity (`AWS_CONTAINER_CREDENTIALS_FULL_URI` with a token file),
// docs/aws-protocols.md#container-credentials. The token file is read again on every refresh: the
// agent rotates it.

import { readFile } from 'node:fs/promises'
import { type Env, envString } from '../../env.ts'
import { ConfigError } from '../../model/validate.ts'
import { type Fetch, fetchText } from '../../transport.ts'
import { type CredentialProvider, CredentialsNotFound } from '../types.ts'
import { credentialsFromJson } from './metadata.ts'

const ECS_HOST = 'http://169.254.170.2'
/** Hosts plain http may go to: the ECS and EKS agents and loopback (a credentials sidecar). */
const HTTP_HOSTS = ['169.254.170.2', '169.254.170.23', '[fd00:ec2::23]', 'localhost', '[::1]']
const TIMEOUT_MS = 2000

/** The endpoint from the environment; throws ConfigError (naming the variable) when it may not be used. */
export function containerEndpoint(env: Env): URL | undefined {
  const relative = envString(env, 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI')
  if (relative !== undefined) {
    // Appended, never resolved: `//host/x` must not leave 169.254.170.2.
    const url = new URL(`${ECS_HOST}/${relative.replace(/^\/+/, '')}`)
    if (url.origin !== ECS_HOST) throw new ConfigError([{ path: 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', message: 'must be a path on 169.254.170.2' }])
    return url
  }
  const full = envString(env, 'AWS_CONTAINER_CREDENTIALS_FULL_URI')
  if (full === undefined) return undefined
  const problem = (message: string) => new ConfigError([{ path: 'AWS_CONTAINER_CREDENTIALS_FULL_URI', message }])
  let url: URL
  try {
    url = new URL(full)
  } catch {
    throw problem('not a URL')
  }
  if (url.protocol === 'https:') return url
  const loopback = /^127(\.\d{1,3}){3}$/.test(url.hostname)
  if (url.protocol !== 'http:' || !(loopback || HTTP_HOSTS.includes(url.hostname))) {
    throw problem('must be https, or http to 169.254.170.2, 169.254.170.23, [fd00:ec2::23] or a loopback address')
  }
  return url
}

export function fromContainer(env: Env, fetch: Fetch): CredentialProvider {
  const url = containerEndpoint(env)
  const tokenFile = envString(env, 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE')
  const literalToken = envString(env, 'AWS_CONTAINER_AUTHORIZATION_TOKEN')
  return async () => {
    if (!url) throw new CredentialsNotFound('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set')
    const token = tokenFile === undefined ? literalToken : await readToken(tokenFile)
    if (token !== undefined && /[\x00-\x1f\x7f]/.test(token)) {
      throw new Error('the container authorization token holds control characters')
    }
    const where = `container credentials endpoint ${url.origin}`
    let answer: { status: number; text: string }
    try {
      answer = await fetchText(fetch, url.href, { method: 'GET', headers: token === undefined ? {} : { authorization: token } }, TIMEOUT_MS)
    } catch (error) {
      throw new Error(`${where} failed: ${(error as Error).message}`)
    }
    if (answer.status !== 200) {
      // A refused token is never quoted back: the agent may echo what it was sent.
      const body = token === undefined ? answer.text : answer.text.replaceAll(token, '<token>')
      const excerpt = answer.status === 401 || answer.status === 403 ? '' : `: ${body.slice(0, 100)}`
      throw new Error(`${where} answered ${answer.status}${excerpt}`)
    }
    return credentialsFromJson(answer.text, where, 'container credentials (ECS / EKS Pod Identity)')
  }
}

async function readToken(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).replace(/\r?\n$/, '')
  } catch (error) {
    throw new Error(`cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ${file}: ${(error as Error).message}`)
  }
}
