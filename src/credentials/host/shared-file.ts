// The shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, default ~/.aws/credentials), profile
// `AWS_PROFILE` (default `default`): static keys with an optional session token, parsed by the
// rules of the AWS CLI and SDKs (docs/aws-protocols.md#shared-credentials-file). A profile that
// relies on something this gateway does not do (assume-role chains, processes, SSO) is an error,
// never skipped: the AWS CLI would have used another identity.

import { readFile } from 'node:fs/promises'
import { type Env, envString } from '../../env.ts'
import { type CredentialProvider, CredentialsNotFound } from '../types.ts'

const UNSUPPORTED_KEYS = ['role_arn', 'source_profile', 'credential_source', 'credential_process', 'web_identity_token_file', 'mfa_serial', 'login_session']

export function fromSharedFile(env: Env): CredentialProvider {
  const file = expandHome(envString(env, 'AWS_SHARED_CREDENTIALS_FILE') ?? '~/.aws/credentials', env)
  if (file === undefined)
    return async () => {
      throw new CredentialsNotFound('no shared credentials file: neither HOME nor USERPROFILE is set')
    }
  const chosen = envString(env, 'AWS_PROFILE')
  const profileName = chosen ?? 'default'
  // A profile asked for by name must exist; the default one is optional.
  const missing = (message: string) => (chosen ? new Error(message) : new CredentialsNotFound(message))
  return async () => {
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOTDIR') throw missing(`no shared credentials file at ${file}`)
      throw new Error(`cannot read the shared credentials file ${file}: ${(error as Error).message}`)
    }
    let sections: Map<string, Map<string, string>>
    try {
      sections = parseIni(text)
    } catch (error) {
      throw new Error(`cannot read the shared credentials file ${file}: ${(error as Error).message}`)
    }
    const profile = sections.get(profileName)
    if (!profile) throw missing(`no profile "${profileName}" in ${file}`)
    const unsupported = [...profile.keys()].find((key) => UNSUPPORTED_KEYS.includes(key) || key.startsWith('sso_'))
    if (unsupported) {
      throw new Error(
        `profile "${profileName}" in ${file} uses ${unsupported}, which lambda-gateway does not support: give it aws_access_key_id and aws_secret_access_key, or use another source`,
      )
    }
    const accessKeyId = profile.get('aws_access_key_id')
    const secretAccessKey = profile.get('aws_secret_access_key')
    if (!accessKeyId && !secretAccessKey) throw missing(`profile "${profileName}" in ${file} has no aws_access_key_id`)
    if (!accessKeyId || !secretAccessKey) {
      throw new Error(`profile "${profileName}" in ${file} needs both aws_access_key_id and aws_secret_access_key`)
    }
    const sessionToken = profile.get('aws_session_token') || undefined
    return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}), source: `shared credentials file ${file} [${profileName}]` }
  }
}

/** `~` from the environment given (not the process's: the entry decides what the gateway sees). */
function expandHome(path: string, env: Env): string | undefined {
  if (!path.startsWith('~/') && path !== '~') return path
  const home = envString(env, 'HOME') ?? envString(env, 'USERPROFILE')
  return home === undefined ? undefined : home + path.slice(1)
}

/**
 * Sections of an AWS INI file, read as the AWS CLI and SDKs do: `#` or `;` starts a comment at
 * the start of a line or after whitespace; `key = value` or `key: value`, split at the first
 * delimiter, key names in any case; later keys win; an empty value opens sub-properties on the
 * indented lines below it (stored as `parent.key`). A line that is none of these is an error
 * naming its number (the line itself may hold a secret).
 */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>()
  let section: Map<string, string> | undefined
  let parent: string | undefined
  for (const [index, rawLine] of text.split(/\r?\n/).entries()) {
    const line = stripComment(rawLine).trim()
    if (line === '') continue
    if (line.startsWith('[') && line.endsWith(']')) {
      const name = line.slice(1, -1).trim()
      section = sections.get(name) ?? new Map()
      sections.set(name, section)
      parent = undefined
      continue
    }
    const delimiter = /[=:]/.exec(line)
    if (!delimiter || delimiter.index === 0) throw new Error(`line ${index + 1} is neither [section] nor key = value`)
    if (!section) continue // before any section: never part of a profile
    const key = line.slice(0, delimiter.index).trim().toLowerCase()
    const value = line.slice(delimiter.index + 1).trim()
    if (/^\s/.test(rawLine) && parent !== undefined) {
      section.set(`${parent}.${key}`, value)
      continue
    }
    parent = value === '' ? key : undefined
    section.set(key, value)
  }
  return sections
}

function stripComment(line: string): string {
  const match = /(^|\s)[#;]/.exec(line)
  return match ? line.slice(0, match.index) : line
}
