// basic-auth's config (Kong's schema), its reading of the Authorization header (Kong's access.lua:
// the patterns and nginx's base64), and the password check (Kong's crypto.lua), for passwords
// written in the file and ones already hashed (`_transform: false`).

import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { buildGatewayConfig } from '../../../src/model/declarative.ts'
import { basicCredentials } from '../../../src/plugins/basic-auth/authorization.ts'
import { indexCredentials, passwordMatches } from '../../../src/plugins/basic-auth/passwords.ts'
import { loadProblems, pluginConfigProblems, validPluginConfig } from '../../support/plugin-config.ts'

describe('basic-auth config', () => {
  it("has Kong's defaults", () => {
    expect(validPluginConfig('basic-auth')).toEqual({ hide_credentials: false, realm: 'service' })
  })

  it('a realm no server can send in WWW-Authenticate is refused at load (it would turn every 401 into a 500)', () => {
    expect(pluginConfigProblems('basic-auth', { realm: 'a\nb' })).toEqual({ realm: 'the header value cannot be sent: character U+000A at 1' })
  })

  it('refuses wrong types and a null realm as Kong does', () => {
    expect(pluginConfigProblems('basic-auth', { hide_credentials: 1, realm: null })).toEqual({
      hide_credentials: 'expected a boolean',
      realm: 'required field missing',
    })
  })

  it("refuses at load an anonymous consumer that does not exist, in Kong's words", () => {
    expect(loadProblems('basic-auth', { anonymous: 'nobody' })).toEqual({ anonymous: "anonymous consumer nobody is configured but doesn't exist" })
  })
})

describe('the Authorization header, as Kong reads it', () => {
  const header = (text: string) => `Basic ${btoa(text)}`

  it('splits at the first colon: the password may hold more', () => {
    expect(basicCredentials(header('user321:password:123'))).toEqual({ username: 'user321', password: 'password:123' })
    expect(basicCredentials(header('bob:'))).toEqual({ username: 'bob', password: '' })
  })

  it('finds `Basic`/`basic` anywhere, with or without spaces after it', () => {
    expect(basicCredentials(`basic ${btoa('a:b')}`)).toEqual({ username: 'a', password: 'b' })
    expect(basicCredentials(`xBasic${btoa('a:b')}`)).toEqual({ username: 'a', password: 'b' })
    expect(basicCredentials(`Bearer ${btoa('a:b')}`)).toBeUndefined()
  })

  it("decodes base64 as nginx: padding optional, text after '=' ignored, 4n+1 characters or others than the alphabet refused", () => {
    expect(basicCredentials(`Basic ${btoa('ab:c').replaceAll('=', '')}`)).toEqual({ username: 'ab', password: 'c' })
    expect(basicCredentials(`Basic ${btoa('ab:c')}junk`)).toEqual({ username: 'ab', password: 'c' })
    expect(basicCredentials('Basic YWJjO')).toBeUndefined()
    expect(basicCredentials('Basic YW!6Yg==')).toBeUndefined()
  })

  it('needs a username before the colon (Kong finds one after a leading colon) and reads the password to the end of its line', () => {
    expect(basicCredentials(header('bob'))).toBeUndefined()
    expect(basicCredentials(header(':pass'))).toBeUndefined()
    expect(basicCredentials(header(':a:b'))).toEqual({ username: 'a', password: 'b' })
    expect(basicCredentials(header('a:b\nc'))).toEqual({ username: 'a', password: 'b' })
  })

  it('reads a long header without a colon in linear time (the unanchored split took quadratic time: seconds of CPU per request)', () => {
    expect(basicCredentials(header('a'.repeat(300_000)))).toBeUndefined()
    expect(basicCredentials(header(`${':'.repeat(300_000)}a:b`))).toEqual({ username: 'a', password: 'b' })
  })

  it('keeps bytes as they are (one character per byte)', () => {
    const bytes = new TextEncoder().encode('josé:pässword')
    const binary = String.fromCharCode(...bytes)
    expect(basicCredentials(`Basic ${btoa(binary)}`)).toEqual({ username: 'jos\u00c3\u00a9', password: 'p\u00c3\u00a4ssword' })
  })
})

describe('passwords, as Kong hashes them: SHA-1 of the password and the consumer id', () => {
  const id = '5f0a5c3e-8c1b-4d3e-9a53-6b1c2f0e7d41'
  const kongHash = (password: string) => createHash('sha1').update(`${password}${id}`).digest('hex')
  const configWith = (document: Record<string, unknown>) =>
    buildGatewayConfig(
      { _format_version: '3.0', consumers: [{ id, username: 'u', basicauth_credentials: [{ username: 'josé', password: 'pässword' }] }], ...document },
      {},
    )

  it('checks a password written in the file', async () => {
    const entry = (await indexCredentials(configWith({}).credentials.basicauth)).get('jos\u00c3\u00a9')!
    expect(entry.digest).toBe(kongHash('pässword'))
    expect(await passwordMatches(entry, 'p\u00c3\u00a4ssword')).toBe(true)
    expect(await passwordMatches(entry, 'pässword')).toBe(false)
    expect(await passwordMatches(entry, '')).toBe(false)
  })

  it('checks a password the file holds hashed (`_transform: false`), as Kong stored it', async () => {
    const hashed = buildGatewayConfig(
      {
        _format_version: '3.0',
        _transform: false,
        consumers: [{ id, username: 'u', basicauth_credentials: [{ username: 'bob', password: kongHash('kong') }] }],
      },
      {},
    )
    const entry = (await indexCredentials(hashed.credentials.basicauth)).get('bob')!
    expect(await passwordMatches(entry, 'kong')).toBe(true)
    expect(await passwordMatches(entry, kongHash('kong'))).toBe(false)
  })
})
