// The shared credentials file provider against real files in a temp directory.

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fromSharedFile, parseIni } from '../../../src/credentials/host/shared-file.ts'
import { CredentialsNotFound } from '../../../src/credentials/types.ts'

const dir = mkdtempSync(join(tmpdir(), 'lambda-gateway-aws-'))

function credentialsFile(text: string, name = `credentials-${Math.random().toString(36).slice(2)}`): string {
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}

const CLI_STYLE = [
  '# written by aws configure',
  '[default]',
  'aws_access_key_id = AKIDDEFAULT',
  'aws_secret_access_key=secret/with+chars=   ',
  '',
  '  ; indented comment',
  '[prod]   ',
  'aws_access_key_id   =   AKIDPROD  # inline comment after whitespace',
  'aws_secret_access_key = prod#secret',
  'aws_session_token = token;part',
  'aws_access_key_id = AKIDPROD2',
  '[ spaced ]',
  'aws_access_key_id = AKIDSPACED',
  'aws_secret_access_key = spaced-secret',
].join('\r\n')

describe('parseIni', () => {
  it('follows the AWS CLI and SDK rules: comments, whitespace, later keys win, CRLF', () => {
    const sections = parseIni(CLI_STYLE)
    expect(Object.fromEntries(sections.get('default')!)).toEqual({ aws_access_key_id: 'AKIDDEFAULT', aws_secret_access_key: 'secret/with+chars=' })
    expect(Object.fromEntries(sections.get('prod')!)).toEqual({
      aws_access_key_id: 'AKIDPROD2',
      aws_secret_access_key: 'prod#secret',
      aws_session_token: 'token;part',
    })
    expect(sections.has('spaced')).toBe(true)
  })

  it('takes key: value and key names in any case, as the AWS CLI does', () => {
    const sections = parseIni('[default]\nAWS_ACCESS_KEY_ID: AKIDCOLON\nAws_Secret_Access_Key = s\n')
    expect(Object.fromEntries(sections.get('default')!)).toEqual({ aws_access_key_id: 'AKIDCOLON', aws_secret_access_key: 's' })
  })

  it.each(['=novalue', 'noequals', ': x'])('refuses the unreadable line %j, naming its number only', (line) => {
    expect(() => parseIni(`[p]\nregion = eu-west-1\n${line}\n`)).toThrow(/^line 3 is neither \[section\] nor key = value$/)
  })

  it('stores indented sub-properties under their parent, and ignores lines outside sections', () => {
    const sections = parseIni('orphan = 1\n[p]\ns3 =\n  max_concurrent_requests = 10\nregion = eu-west-1\n')
    expect(Object.fromEntries(sections.get('p')!)).toEqual({ s3: '', 's3.max_concurrent_requests': '10', region: 'eu-west-1' })
    expect(parseIni('[__proto__]\nx = 1\n').get('__proto__')?.get('x')).toBe('1')
    expect(({} as Record<string, unknown>).x).toBeUndefined()
  })
})

describe('fromSharedFile', () => {
  it('reads the default profile, and AWS_PROFILE when set', async () => {
    const file = credentialsFile(CLI_STYLE)
    expect(await fromSharedFile({ AWS_SHARED_CREDENTIALS_FILE: file })()).toEqual({
      accessKeyId: 'AKIDDEFAULT',
      secretAccessKey: 'secret/with+chars=',
      source: `shared credentials file ${file} [default]`,
    })
    expect(await fromSharedFile({ AWS_SHARED_CREDENTIALS_FILE: file, AWS_PROFILE: 'prod' })()).toMatchObject({
      accessKeyId: 'AKIDPROD2',
      secretAccessKey: 'prod#secret',
      sessionToken: 'token;part',
    })
  })

  it('expands ~/ with HOME', async () => {
    credentialsFile('[default]\naws_access_key_id = AKIDHOME\naws_secret_access_key = s\n', 'home-credentials')
    expect((await fromSharedFile({ HOME: dir, AWS_SHARED_CREDENTIALS_FILE: '~/home-credentials' })()).accessKeyId).toBe('AKIDHOME')
  })

  it('has nothing to offer without a file or without a default profile', async () => {
    await expect(fromSharedFile({ AWS_SHARED_CREDENTIALS_FILE: join(dir, 'missing') })()).rejects.toThrow(CredentialsNotFound)
    await expect(fromSharedFile({ HOME: join(dir, 'no-home') })()).rejects.toThrow(/no shared credentials file at .*no-home\/\.aws\/credentials/)
    await expect(fromSharedFile({ AWS_SHARED_CREDENTIALS_FILE: credentialsFile('[other]\naws_access_key_id = A\n') })()).rejects.toThrow(CredentialsNotFound)
  })

  it('refuses a profile asked for by name that does not exist, instead of trying other sources', async () => {
    const error = await fromSharedFile({ AWS_SHARED_CREDENTIALS_FILE: credentialsFile(CLI_STYLE), AWS_PROFILE: 'staging' })().catch((e: unknown) => e)
    expect(error).not.toBeInstanceOf(CredentialsNotFound)
    expect((error as Error).message).toMatch(/no profile "staging" in /)
  })

  it.each([
    ['role_arn = arn:aws:iam::123456789012:role/r\nsource_profile = default', 'role_arn'],
    ['credential_process = /bin/creds', 'credential_process'],
    ['sso_session = corp', 'sso_session'],
    ['aws_access_key_id = A\naws_secret_access_key = S\nmfa_serial = arn:aws:iam::1:mfa/x', 'mfa_serial'],
  ])('refuses a profile that relies on something unsupported (%s), naming profile, key and file', async (body, key) => {
    const file = credentialsFile(`[default]\n${body}\n`)
    await expect(fromSharedFile({ AWS_SHARED_CREDENTIALS_FILE: file })()).rejects.toThrow(
      `profile "default" in ${file} uses ${key}, which lambda-gateway does not support`,
    )
  })

  it('refuses a file it cannot read line by line, without quoting the line', async () => {
    const file = credentialsFile('[default]\naws_access_key_id = AKID\nsecret-pasted-without-key\n')
    await expect(fromSharedFile({ AWS_SHARED_CREDENTIALS_FILE: file })()).rejects.toThrow(
      `cannot read the shared credentials file ${file}: line 3 is neither [section] nor key = value`,
    )
  })

  it('refuses half a key pair, without quoting it', async () => {
    const file = credentialsFile('[default]\naws_secret_access_key = only-the-secret\n')
    const error = (await fromSharedFile({ AWS_SHARED_CREDENTIALS_FILE: file })().catch((e: unknown) => e)) as Error
    expect(error).not.toBeInstanceOf(CredentialsNotFound)
    expect(error.message).toBe(`profile "default" in ${file} needs both aws_access_key_id and aws_secret_access_key`)
  })
})
