// key-auth's config (Kong's schema and its 01-api_spec message), the anonymous consumer checked at
// load, and the key lookup: found by digest, confirmed in full.

import { describe, expect, it } from 'vitest'
import { buildGatewayConfig } from '../../../src/model/declarative.ts'
import { findKey, indexKeys } from '../../../src/plugins/key-auth/keys.ts'
import { nodeSigningCrypto } from '../../../src/runtime/node/signing-crypto.ts'
import { loadProblems, pluginConfigProblems, validPluginConfig } from '../../support/plugin-config.ts'

describe('key-auth config', () => {
  it("has Kong's defaults", () => {
    expect(validPluginConfig('key-auth')).toEqual({
      key_names: ['apikey'],
      hide_credentials: false,
      key_in_header: true,
      key_in_query: true,
      key_in_body: false,
      run_on_preflight: true,
    })
  })

  it("refuses a key name that is not a header name, in Kong's words (01-api_spec: fails with invalid key_names)", () => {
    expect(pluginConfigProblems('key-auth', { key_names: ['hello\\world'] })).toEqual({
      'key_names[0]': "bad header name 'hello\\world', allowed characters are A-Z, a-z, 0-9, '_', and '-'",
    })
    expect(validPluginConfig('key-auth', { key_names: ['hello-world', 'api_key'] })).toMatchObject({ key_names: ['hello-world', 'api_key'] })
  })

  it('a realm no server can send in WWW-Authenticate is refused at load (it would turn every 401 into a 500)', () => {
    expect(pluginConfigProblems('key-auth', { realm: 'a\nb' })).toEqual({ realm: 'the header value cannot be sent: character U+000A at 1' })
  })

  it('refuses wrong types and empty strings as Kong does', () => {
    expect(pluginConfigProblems('key-auth', { hide_credentials: 'yes', realm: '', key_names: 'apikey' })).toEqual({
      hide_credentials: 'expected a boolean',
      realm: 'length must be at least 1',
      key_names: 'expected an array',
    })
  })

  it("refuses at load an anonymous consumer that does not exist (Kong: a 500 on every request), in Kong's words", () => {
    expect(loadProblems('key-auth', { anonymous: '00000000-0000-4000-8000-000000000000' })).toEqual({
      anonymous: "anonymous consumer 00000000-0000-4000-8000-000000000000 is configured but doesn't exist",
    })
  })
})

describe('key lookup', () => {
  const config = buildGatewayConfig(
    { _format_version: '3.0', consumers: [{ username: 'a', keyauth_credentials: [{ key: 'key-of-a' }, { key: 'another-key' }] }] },
    {},
  )
  const index = indexKeys(config.credentials.keyauth)
  const nodeIndex = indexKeys(config.credentials.keyauth, nodeSigningCrypto)

  it.each([
    ['WebCrypto', index],
    ["the Node entry's node:crypto", nodeIndex],
  ])('finds the credential of a configured key, and none for any other (%s)', async (_, keys) => {
    expect((await findKey(keys, 'key-of-a'))?.key).toBe('key-of-a')
    expect((await findKey(keys, 'another-key'))?.key).toBe('another-key')
    for (const other of ['key-of-b', 'key-of-a ', 'KEY-OF-A', 'key-of', '', 'key-of-ab']) expect(await findKey(keys, other)).toBeUndefined()
  })

  it('compares a key beyond ASCII by its UTF-8 bytes, as Kong compares bytes: a Latin-1 spelling of it is another key', async () => {
    const unicode = buildGatewayConfig({ _format_version: '3.0', consumers: [{ username: 'c', keyauth_credentials: [{ key: 'clé-李' }] }] }, {})
    const keys = indexKeys(unicode.credentials.keyauth, nodeSigningCrypto)
    const bytes = String.fromCharCode(...new TextEncoder().encode('clé-李'))
    expect((await findKey(keys, bytes))?.key).toBe('clé-李')
    expect(await findKey(keys, 'clé-李')).toBeUndefined()
    const latin = buildGatewayConfig({ _format_version: '3.0', consumers: [{ username: 'c', keyauth_credentials: [{ key: 'clé' }] }] }, {})
    expect(await findKey(indexKeys(latin.credentials.keyauth), 'cl\xe9')).toBeUndefined()
    expect((await findKey(indexKeys(latin.credentials.keyauth), 'cl\xc3\xa9'))?.key).toBe('clé')
  })

  it('confirms the key found by digest in full (a digest match alone is not enough)', async () => {
    const [credential] = config.credentials.keyauth
    const [digest] = [...(await index.byDigest).keys()]
    // An index that maps the digest of a key to a credential with another key: refused.
    const forged = { ...index, byDigest: Promise.resolve(new Map([[digest, { ...credential, key: 'not-the-key' }]])) }
    expect(await findKey(forged, 'key-of-a')).toBeUndefined()
  })
})
