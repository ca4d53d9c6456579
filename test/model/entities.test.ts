// The entities of a declarative file beyond routes and their plugins: consumers, consumer
// groups and credentials as the authentication plugins will read them, ids and references,
// uniqueness, the entities refused with why, vaults, decK's keys, and plugin scopes. Plugins are
// made for the test (with the fields the cases give them).

import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { Env } from '../../src/env.ts'
import { buildGatewayConfig, type GatewayConfig } from '../../src/model/declarative.ts'
import { declarativeId, uuidV5 } from '../../src/model/entity-id.ts'
import type { ConfigProblem } from '../../src/model/validate.ts'
import type { PluginDefinition } from '../../src/pipeline/plugin.ts'
import { configError } from '../support/expect-error.ts'
import { ES256_PRIVATE_KEY, RSA_PUBLIC_KEY } from '../support/jwt-keys.ts'
import { testPem } from '../support/tls-files.ts'

const CA = testPem('ca.pem')

const plugin = (name: string): PluginDefinition => ({ name, priority: 1, schema: { label: { type: 'string' } }, create: () => ({}) })
const registry = [plugin('answer'), plugin('other'), { ...plugin('auth'), noConsumer: true }]

function load(document: Record<string, unknown>, env: Env = {}): GatewayConfig {
  return buildGatewayConfig({ _format_version: '3.0', ...document }, env, { registry })
}

function problemsOf(document: Record<string, unknown>, env: Env = {}): ConfigProblem[] {
  return configError(() => load(document, env)).problems
}

/** RFC 9562's UUID v5, written out again here with node:crypto, to check the gateway's own SHA-1. */
function referenceV5(namespace: string, name: string): string {
  const hash = createHash('sha1')
    .update(Buffer.concat([Buffer.from(namespace.replaceAll('-', ''), 'hex'), Buffer.from(name)]))
    .digest()
  hash[6] = (hash[6] & 0x0f) | 0x50
  hash[8] = (hash[8] & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

describe('ids', () => {
  it("UUID v5 as lua-resty-jit-uuid's own test makes them", () => {
    expect(uuidV5('e6ebd542-06ae-11e6-8e82-bba81706b27d', 'hello')).toBe('4850816f-1658-5890-8bfd-1ed14251f1f0')
    expect(uuidV5('1b985f4a-06be-11e6-aff4-ff8d14e25128', 'foobar')).toBe('98520401-1e2b-5cbb-926b-c5c4aae4e69d')
  })

  it.each(['', 'x', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'é'.repeat(100)])('UUID v5 of a name of %#: SHA-1 across block boundaries', (name) => {
    expect(uuidV5('e6ebd542-06ae-11e6-8e82-bba81706b27d', name)).toBe(referenceV5('e6ebd542-06ae-11e6-8e82-bba81706b27d', name))
  })

  it("a consumer without an id gets Kong's: derived from its username, the same on every load", () => {
    const [alice, other] = load({ consumers: [{ username: 'alice' }, { custom_id: 'c-1' }] }).consumers
    const kind = referenceV5('fd02801f-0957-4a15-a55a-c8d9606f30b5', 'consumers')
    expect(alice.id).toBe(referenceV5(kind, 'alice'))
    expect(alice.id).toBe(declarativeId('consumers', 'alice'))
    expect(other.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it('an id given is kept, and must be a UUID', () => {
    expect(load({ consumers: [{ id: 'E150D090-4D53-4E55-BFF8-EFAACCD34EC4', username: 'a' }] }).consumers[0].id).toBe('e150d090-4d53-4e55-bff8-efaaccd34ec4')
    expect(problemsOf({ consumers: [{ id: 'consumer-1', username: 'a' }] })).toEqual([{ path: 'consumers[0].id', message: 'expected a valid UUID' }])
  })

  it('two entities of a kind with one id: Kong\'s "primary key" uniqueness violation; different kinds may share one', () => {
    const id = 'e150d090-4d53-4e55-bff8-efaaccd34ec4'
    expect(
      problemsOf({
        consumers: [
          { id, username: 'a' },
          { id, username: 'b' },
        ],
      }),
    ).toEqual([{ path: 'consumers[1].id', message: `uniqueness violation: 'consumers' entity with primary key set to '${id}' already declared` }])
    expect(() => load({ consumers: [{ id, username: 'a' }], consumer_groups: [{ id, name: 'g' }] })).not.toThrow()
  })
})

describe('references', () => {
  const base = {
    services: [{ id: '5b1484f2-5209-49d9-b43e-92ba09dd9d52', name: 'orders', url: 'http://orders.invalid' }],
    consumers: [{ id: 'ae4ad9e3-3a19-4f0e-a6a0-7d08ba8ea2f6', username: 'alice' }],
  }
  it.each([
    ['by name', 'orders'],
    ['by id', '5b1484f2-5209-49d9-b43e-92ba09dd9d52'],
    ['as {name}', { name: 'orders' }],
    ['as {id}', { id: '5b1484f2-5209-49d9-b43e-92ba09dd9d52' }],
  ])("a route's service %s", (_, service) => {
    const config = load({ ...base, routes: [{ paths: ['/'], service }] })
    expect(config.routes[0].service?.name).toBe('orders')
  })

  it.each([
    ['by username', 'alice'],
    ['by id', 'ae4ad9e3-3a19-4f0e-a6a0-7d08ba8ea2f6'],
    ['as {username}', { username: 'alice' }],
  ])("a plugin's consumer %s", (_, consumer) => {
    expect(load({ ...base, plugins: [{ name: 'answer', consumer }] }).plugins[0].consumer?.username).toBe('alice')
  })

  it('a reference to nothing, in Kong words, whatever its form', () => {
    expect(problemsOf({ ...base, routes: [{ paths: ['/'], service: { name: 'nope' } }], plugins: [{ name: 'answer', consumer_group: 'nobody' }] })).toEqual([
      { path: 'routes[0].service', message: `invalid reference 'service: {"name":"nope"}' (no such entry in 'services')` },
      { path: 'plugins[0].consumer_group', message: "invalid reference 'consumer_group: nobody' (no such entry in 'consumer_groups')" },
    ])
  })

  it('a credential at the top level needs its consumer', () => {
    expect(problemsOf({ keyauth_credentials: [{ key: 'k' }] })).toEqual([{ path: 'keyauth_credentials[0].consumer', message: 'required field missing' }])
  })
})

describe('uniqueness', () => {
  it.each([
    [
      'consumers',
      { consumers: [{ username: 'a' }, { username: 'a' }] },
      'consumers[1].username',
      "uniqueness violation: 'consumers' entity with username set to 'a' already declared",
    ],
    [
      'consumer custom ids',
      { consumers: [{ custom_id: 'c' }, { custom_id: 'c' }] },
      'consumers[1].custom_id',
      "uniqueness violation: 'consumers' entity with custom_id set to 'c' already declared",
    ],
    [
      'consumer groups',
      { consumer_groups: [{ name: 'g' }, { name: 'g' }] },
      'consumer_groups[1].name',
      "uniqueness violation: 'consumer_groups' entity with name set to 'g' already declared",
    ],
    [
      'basic-auth usernames, across consumers',
      {
        consumers: [
          { username: 'a', basicauth_credentials: [{ username: 'u', password: 'p' }] },
          { username: 'b', basicauth_credentials: [{ username: 'u', password: 'q' }] },
        ],
      },
      'consumers[1].basicauth_credentials[0].username',
      "uniqueness violation: 'basicauth_credentials' entity with username set to 'u' already declared",
    ],
    [
      'plugin instance names',
      {
        plugins: [
          { name: 'answer', instance_name: 'one' },
          { name: 'other', instance_name: 'one' },
        ],
      },
      'plugins[1].instance_name',
      "uniqueness violation: 'plugins' entity with instance_name set to 'one' already declared",
    ],
  ])('%s', (_, document, path, message) => {
    expect(problemsOf(document)).toEqual([{ path, message }])
  })

  it('two consumers with one API key: refused without showing the key', () => {
    const problems = problemsOf({
      consumers: [
        { username: 'a', keyauth_credentials: [{ key: 'SECRET-API-KEY' }] },
        { username: 'b', keyauth_credentials: [{ key: 'SECRET-API-KEY' }] },
      ],
    })
    expect(problems).toEqual([
      {
        path: 'consumers[1].keyauth_credentials[0].key',
        message: "uniqueness violation: 'keyauth_credentials' entity with key set to the same value as consumers[0].keyauth_credentials[0] already declared",
      },
    ])
  })

  it("an instance name must be Kong's utf8_name", () => {
    expect(problemsOf({ plugins: [{ name: 'answer', instance_name: 'no spaces' }] })).toEqual([
      { path: 'plugins[0].instance_name', message: "invalid value 'no spaces': the only accepted ascii characters are alphanumerics or ., -, _, and ~" },
    ])
  })
})

describe('consumers, consumer groups and credentials', () => {
  it('a consumer needs a username or a custom_id', () => {
    expect(problemsOf({ consumers: [{ tags: ['x'] }] })).toEqual([
      { path: 'consumers[0]', message: "at least one of these fields must be non-empty: 'custom_id', 'username'" },
    ])
  })

  it("groups from either side of decK's membership lists, once each, by name", () => {
    const config = load({
      consumer_groups: [{ name: 'silver', consumers: [{ username: 'alice' }, { id: '9d5bb1f3-3a22-46a2-9c0c-6a4bd0bfcf0c' }] }, { name: 'gold' }],
      consumers: [
        { username: 'alice', groups: [{ name: 'gold' }, { name: 'silver' }] },
        { id: '9d5bb1f3-3a22-46a2-9c0c-6a4bd0bfcf0c', custom_id: 'c-2' },
        { username: 'carol', groups: ['gold'] },
      ],
    })
    expect(config.consumers.map((c) => [c.label, c.groups.map((g) => g.name)])).toEqual([
      ['alice', ['gold', 'silver']],
      ['c-2', ['silver']],
      ['carol', ['gold']],
    ])
  })

  it('a member or group that does not exist', () => {
    expect(
      problemsOf({ consumer_groups: [{ name: 'g', consumers: [{ username: 'nobody' }] }], consumers: [{ username: 'a', groups: [{ name: 'none' }] }] }),
    ).toEqual([
      { path: 'consumer_groups[0].consumers[0]', message: `invalid reference 'consumer: {"username":"nobody"}' (no such entry in 'consumers')` },
      { path: 'consumers[0].groups[0]', message: `invalid reference 'consumer_group: {"name":"none"}' (no such entry in 'consumer_groups')` },
    ])
  })

  it("a group's member only names a consumer: credentials written there are refused, not lost", () => {
    expect(
      problemsOf({ consumer_groups: [{ name: 'g', consumers: [{ username: 'a', keyauth_credentials: [{ key: 'k' }] }] }], consumers: [{ username: 'a' }] }),
    ).toEqual([
      {
        path: 'consumer_groups[0].consumers[0].keyauth_credentials',
        message: 'unknown field: a member only names its entity (by id, username or custom_id); define it under consumers',
      },
    ])
  })

  it('every credential kind, nested or at the top level, with its consumer', () => {
    const config = load({
      consumers: [
        {
          username: 'alice',
          keyauth_credentials: [{ key: 'alice-key' }],
          basicauth_credentials: [{ username: 'alice', password: 'pw' }],
          jwt_secrets: [{ key: 'alice-iss', secret: 'jwt-secret' }],
          hmacauth_credentials: [{ username: 'alice-hmac', secret: 'hmac-secret' }],
          acls: [{ group: 'admins' }],
        },
        { username: 'bob' },
      ],
      keyauth_credentials: [{ consumer: 'bob', key: 'bob-key' }],
      acls: [{ consumer: 'bob', group: 'readers' }],
    })
    const { keyauth, basicauth, jwt, hmacauth } = config.credentials
    expect(keyauth.map((k) => [k.key, k.consumer.username])).toEqual([
      ['alice-key', 'alice'],
      ['bob-key', 'bob'],
    ])
    expect(basicauth.map((b) => [b.username, b.password, b.passwordHashed, b.consumer.username])).toEqual([['alice', 'pw', false, 'alice']])
    expect(jwt.map((j) => [j.key, j.secret, j.algorithm, j.consumer.username])).toEqual([['alice-iss', 'jwt-secret', 'HS256', 'alice']])
    expect(hmacauth.map((h) => [h.username, h.secret, h.consumer.username])).toEqual([['alice-hmac', 'hmac-secret', 'alice']])
    expect(config.consumers.map((c) => [c.username, c.acls])).toEqual([
      ['alice', ['admins']],
      ['bob', ['readers']],
    ])
  })

  it("one acl group written twice in a consumer has Kong's derived id twice: refused, as DB-less Kong refuses it", () => {
    expect(problemsOf({ consumers: [{ username: 'a', acls: [{ group: 'g' }, { group: 'g' }, { group: 'h' }] }] })).toEqual([
      {
        path: 'consumers[0].acls[1].id',
        message: expect.stringMatching(/^uniqueness violation: 'acls' entity with primary key set to '[0-9a-f-]{36}' already declared$/),
      },
    ])
  })

  it("fields Kong fills in itself (auto): a key-auth key, a JWT key and secret, an HMAC secret; random, as Kong's are", () => {
    const config = load({ consumers: [{ username: 'a', keyauth_credentials: [{}, {}], jwt_secrets: [{}], hmacauth_credentials: [{ username: 'h' }] }] })
    const [first, second] = config.credentials.keyauth.map((k) => k.key)
    expect(first).toMatch(/^[0-9a-f]{32}$/)
    expect(second).not.toBe(first)
    expect(config.credentials.jwt[0]).toMatchObject({ key: expect.stringMatching(/^[0-9a-f]{32}$/), secret: expect.stringMatching(/^[0-9a-f]{32}$/) })
    expect(config.credentials.hmacauth[0].secret).toMatch(/^[0-9a-f]{32}$/)
  })

  it('_transform: false means the basic-auth passwords are already hashed (a file Kong exported)', () => {
    const config = load({ _transform: false, consumers: [{ username: 'a', basicauth_credentials: [{ username: 'u', password: '4f2a0c…' }] }] })
    expect(config.credentials.basicauth[0].passwordHashed).toBe(true)
  })

  it('a key that expires (ttl) is refused; ttl: null is no ttl', () => {
    expect(problemsOf({ consumers: [{ username: 'a', keyauth_credentials: [{ key: 'k', ttl: 60 }] }] })).toEqual([
      { path: 'consumers[0].keyauth_credentials[0].ttl', message: 'keys that expire are not supported: lambda-gateway loads the file once' },
    ])
    expect(load({ consumers: [{ username: 'a', keyauth_credentials: [{ key: 'k', ttl: null }] }] }).credentials.keyauth).toHaveLength(1)
  })

  it('asymmetric JWT algorithms need a public key that loads (Kong: conditional on algorithm)', () => {
    expect(problemsOf({ consumers: [{ username: 'a', jwt_secrets: [{ algorithm: 'RS256' }, { algorithm: 'EdDSA', rsa_public_key: 'not a key' }] }] })).toEqual([
      { path: 'consumers[0].jwt_secrets[0].rsa_public_key', message: 'required field missing' },
      { path: 'consumers[0].jwt_secrets[0]', message: "failed conditional validation given value of field 'algorithm'" },
      { path: 'consumers[0].jwt_secrets[1].rsa_public_key', message: 'invalid key' },
      { path: 'consumers[0].jwt_secrets[1]', message: "failed conditional validation given value of field 'algorithm'" },
    ])
  })

  it('asymmetric JWT keys must be SPKI public keys, the one form WebCrypto verifies with (Kong takes any key OpenSSL reads, and looks at no ES* key)', () => {
    const spki = RSA_PUBLIC_KEY.replaceAll('\n', '\r\n')
    const pkcs1 = `-----BEGIN RSA PUBLIC KEY-----\n${RSA_PUBLIC_KEY.split('\n').slice(1, -1).join('\n')}\n-----END RSA PUBLIC KEY-----`
    const message = 'lambda-gateway verifies tokens with a public key in SPKI form (-----BEGIN PUBLIC KEY-----)'
    expect(
      problemsOf({
        consumers: [
          {
            username: 'a',
            jwt_secrets: [
              { algorithm: 'RS256', rsa_public_key: spki },
              { algorithm: 'RS256', rsa_public_key: pkcs1 },
              { algorithm: 'ES256' },
              { algorithm: 'ES256', rsa_public_key: 'not a key' },
              { algorithm: 'PS256', rsa_public_key: ES256_PRIVATE_KEY },
              { algorithm: 'HS256', rsa_public_key: 'ignored' },
            ],
          },
        ],
      }),
    ).toEqual([
      { path: 'consumers[0].jwt_secrets[1].rsa_public_key', message },
      { path: 'consumers[0].jwt_secrets[3].rsa_public_key', message },
      { path: 'consumers[0].jwt_secrets[4].rsa_public_key', message },
    ])
  })

  it('secrets may be vault references, resolved at load; a problem never shows a secret', () => {
    const env = { API_KEY: 'resolved-key', APP_PASSWORD: 'resolved-password' }
    const config = load(
      {
        vaults: [{ name: 'env', prefix: 'app', config: { prefix: 'APP_' } }],
        consumers: [
          {
            username: 'a',
            keyauth_credentials: [{ key: '{vault://env/api-key}' }],
            basicauth_credentials: [{ username: 'u', password: '{vault://app/password}' }],
          },
        ],
      },
      env,
    )
    expect([config.credentials.keyauth[0].key, config.credentials.basicauth[0].password]).toEqual(['resolved-key', 'resolved-password'])
    const problems = problemsOf({ consumers: [{ username: 'a', keyauth_credentials: [{ key: '{vault://env/missing-key}' }] }] })
    expect(problems).toEqual([
      { path: 'consumers[0].keyauth_credentials[0].key', message: 'vault reference {vault://env/missing-key}: environment variable MISSING_KEY is not set' },
    ])
  })
})

describe('entities the gateway cannot act on are refused, naming them and why', () => {
  it.each([
    [
      'other vaults (their config is theirs: not read)',
      { vaults: [{ name: 'hcv', prefix: 'my-hcv', config: { host: 'vault.internal', token: 't' } }] },
      'vaults[0].name',
      /^vault 'hcv' is not supported: lambda-gateway has Kong's env vault only$/,
    ],
    [
      'oauth2 credentials',
      { consumers: [{ username: 'a', oauth2_credentials: [{ name: 'app' }] }] },
      'consumers[0].oauth2_credentials',
      /^oauth2_credentials are not supported: the oauth2 plugin is not supported$/,
    ],
    ['key sets', { key_sets: [{ name: 'ks' }] }, 'key_sets', /^key_sets are not supported/],
  ])('%s', (_, document, path, message) => {
    const problems = problemsOf(document)
    expect(problems).toContainEqual({ path, message: expect.stringMatching(message) })
    expect(problems.filter((p) => p.message === 'unknown field')).toEqual([])
  })

  it('they are validated too (what Kong would say comes first)', () => {
    const problems = problemsOf({ upstreams: [{ name: '10.0.0.1', algorithm: 'random' }], certificates: [{ cert: 'nope', snis: [{ name: 'a.*.example' }] }] })
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'upstreams[0].name', message: "Invalid name ('10.0.0.1'); no ip addresses allowed" },
        { path: 'upstreams[0].algorithm', message: 'expected one of: consistent-hashing, least-connections, round-robin, latency' },
        { path: 'certificates[0].cert', message: 'invalid certificate: not a PEM certificate' },
        { path: 'certificates[0].key', message: 'required field missing' },
        { path: 'certificates[0].snis[0].name', message: 'wildcard must be leftmost or rightmost character' },
      ]),
    )
  })
})

describe('vaults', () => {
  it("an env vault's prefix: its references read the variables its config.prefix starts", () => {
    const config = buildGatewayConfig(
      {
        _format_version: '3.0',
        vaults: [{ name: 'env', prefix: 'my-env', config: { prefix: 'app_' } }],
        routes: [
          {
            paths: ['/'],
            plugins: [{ name: 'aws-lambda', config: { function_name: 'f', aws_key: '{vault://my-env/key}', aws_secret: '{vault://env/secret}' } }],
          },
        ],
      },
      { APP_KEY: 'AKIDPREFIXED', SECRET: 'plain' },
    )
    expect(config.plugins[0].config).toMatchObject({ aws_key: 'AKIDPREFIXED', aws_secret: 'plain' })
  })

  it("Kong's checks of a vault: its prefix (not env) and its config", () => {
    expect(
      problemsOf({
        vaults: [
          { name: 'env', prefix: 'env' },
          { name: 'env', prefix: 'Bad_Prefix' },
          { name: 'env', prefix: 'ok', config: { prefix: '1X' } },
        ],
      }),
    ).toEqual([
      { path: 'vaults[0].prefix', message: 'must not be one of: env' },
      { path: 'vaults[1].prefix', message: 'invalid value: Bad_Prefix' },
      { path: 'vaults[2].config.prefix', message: 'invalid value: 1X' },
    ])
  })

  it('a reference to a prefix no vault has', () => {
    const problems = problemsOf({ consumers: [{ username: 'a', keyauth_credentials: [{ key: '{vault://nope/key}' }] }] })
    expect(problems).toEqual([{ path: 'consumers[0].keyauth_credentials[0].key', message: expect.stringContaining("vault 'nope' is not supported") }])
  })
})

describe("the file's own keys, Kong's and decK's", () => {
  it("decK's _info (select_tags, default_lookup_tags), _workspace and _konnect are accepted; tags on every entity", () => {
    const config = load({
      _info: { select_tags: ['team-a'], default_lookup_tags: { consumers: ['shared'], services: ['shared'] } },
      _workspace: 'default',
      _konnect: { control_plane_name: 'prod' },
      _comment: 'file',
      services: [{ name: 's', url: 'http://s.invalid', tags: ['team-a'], _comment: 'service', routes: [{ paths: ['/'], tags: ['team-a'] }] }],
      consumers: [{ username: 'a', tags: ['team-a'], keyauth_credentials: [{ key: 'k', tags: ['t'] }] }],
      plugins: [{ name: 'answer', tags: ['team-a'], _ignore: ['anything'] }],
    })
    expect(config.services[0].tags).toEqual(['team-a'])
    expect(config.consumers[0].tags).toEqual(['team-a'])
  })

  it("decK's _info.defaults fill in what an entity leaves out, as deck file render does", () => {
    const config = load({
      _info: { defaults: { service: { port: 8443, protocol: 'https', read_timeout: 5000 }, route: { strip_path: false } } },
      services: [
        { name: 'a', host: 'a.invalid', routes: [{ paths: ['/a'] }] },
        { name: 'b', url: 'http://b.invalid:8080', read_timeout: 100, routes: [{ paths: ['/b'], strip_path: true }] },
      ],
    })
    expect(config.services.map((s) => [s.protocol, s.port, s.read_timeout])).toEqual([
      ['https', 8443, 5000],
      ['http', 8080, 100],
    ])
    expect(config.routes.map((r) => r.stripPath)).toEqual([false, true])
    expect(problemsOf({ _info: { defaults: { route: { strip_paths: false } } } })).toEqual([
      { path: '_info.defaults.route.strip_paths', message: "unknown field (did you mean 'strip_path'?)" },
    ])
  })

  it('a bad _info.defaults value is told once, where it is written; a whole decK template there reads as its type', () => {
    expect(problemsOf({ _info: { defaults: { route: { strip_path: 5 } } }, routes: [{ paths: ['/a'] }, { paths: ['/b'] }] })).toEqual([
      { path: '_info.defaults.route.strip_path', message: 'expected a boolean' },
    ])
    const templated = { _info: { defaults: { route: { strip_path: `$\{{ env "DECK_STRIP" }}` } } }, routes: [{ paths: ['/a'] }] }
    expect(load(templated, { DECK_STRIP: 'false' }).routes[0].stripPath).toBe(false)
  })

  it('a tag must be printable, without , or /', () => {
    expect(problemsOf({ consumers: [{ username: 'a', tags: ['ok', 'a,b'] }] })).toEqual([
      { path: 'consumers[0].tags[1]', message: "invalid tag 'a,b': expected printable ascii (except `,` and `/`) or valid utf-8 sequences" },
    ])
  })

  it('an unknown key is refused', () => {
    expect(problemsOf({ consumer: [] })).toEqual([{ path: 'consumer', message: "unknown field (did you mean 'consumers'?)" }])
  })
})

describe('plugin scopes', () => {
  const base = {
    consumer_groups: [{ name: 'gold' }],
    consumers: [{ username: 'alice' }],
    services: [{ name: 's', url: 'http://s.invalid', routes: [{ name: 'r', paths: ['/'] }] }],
  }

  it('nested and top-level forms are the same scopes', () => {
    const nested = load({
      consumer_groups: [{ name: 'gold', plugins: [{ name: 'answer' }] }],
      consumers: [{ username: 'alice', plugins: [{ name: 'answer' }] }],
      services: [{ name: 's', url: 'http://s.invalid', plugins: [{ name: 'answer' }], routes: [{ name: 'r', paths: ['/'], plugins: [{ name: 'answer' }] }] }],
    })
    const flat = load({
      ...base,
      plugins: [
        { name: 'answer', consumer_group: 'gold' },
        { name: 'answer', consumer: 'alice' },
        { name: 'answer', service: 's' },
        { name: 'answer', route: 'r' },
      ],
    })
    const scopes = (config: GatewayConfig) =>
      config.plugins.map((p) => [p.route?.label, p.service?.name, p.consumer?.username, p.consumerGroup?.name].map((v) => v ?? '-').join(' ')).sort()
    expect(scopes(nested)).toEqual(scopes(flat))
    expect(scopes(flat)).toEqual(['- - - gold', '- - alice -', '- s - -', 'r - - -'])
  })

  it('the same plugin twice for one scope, whatever the forms, names the scope', () => {
    expect(
      problemsOf({ ...base, consumers: [{ username: 'alice', plugins: [{ name: 'answer' }] }], plugins: [{ name: 'answer', consumer: 'alice' }] }),
    ).toEqual([{ path: 'plugins[0]', message: "plugin 'answer' is configured twice with the same scope (consumer 'alice')" }])
  })

  it('a consumer and a consumer group together (Kong has no such scope)', () => {
    expect(problemsOf({ ...base, plugins: [{ name: 'answer', consumer: 'alice', consumer_group: 'gold' }] })).toEqual([
      { path: 'plugins[0]', message: "only one or none of these fields must be set: 'consumer', 'consumer_group'" },
    ])
  })

  it('a disabled plugin is checked but not applied', () => {
    expect(load({ ...base, plugins: [{ name: 'answer', enabled: false, consumer: 'alice' }] }).plugins).toEqual([])
    expect(problemsOf({ ...base, plugins: [{ name: 'answer', enabled: false, config: { label: 1 } }] })).toEqual([
      { path: 'plugins[0].config.label', message: 'expected a string' },
    ])
  })

  it('every plugin the gateway does not have is named, not just the first', () => {
    const problems = problemsOf({
      ...base,
      consumers: [{ username: 'alice', plugins: [{ name: 'rate-limiting' }, { name: 'acl' }] }],
      plugins: [{ name: 'key-auth' }, { name: 'answer' }, { name: 'cors', route: 'r' }],
    })
    expect(problems.map((p) => p.path)).toEqual(['consumers[0].plugins[0].name', 'consumers[0].plugins[1].name', 'plugins[0].name', 'plugins[2].name', ''])
    expect(problems.map((p) => /plugin '([^']+)'/.exec(p.message)?.[1])).toEqual(['rate-limiting', 'acl', 'key-auth', 'cors', undefined])
    expect(problems.at(-1)?.message).toBe("lambda-gateway's plugins: answer, other, auth")
  })
})

describe('services', () => {
  it('keeps what a later proxying step needs, with Kong defaults', () => {
    const [service] = load({
      services: [{ name: 's', url: 'https://api.example.com/v1', tls_verify: true, ca_certificates: ['4e3ad2e4-0bc4-4638-8e34-c84a417ba39b'] }],
      ca_certificates: [{ id: '4e3ad2e4-0bc4-4638-8e34-c84a417ba39b', cert: CA }],
    }).services
    expect(service).toMatchObject({
      name: 's',
      protocol: 'https',
      host: 'api.example.com',
      port: 443,
      path: '/v1',
      retries: 5,
      connect_timeout: 60000,
      write_timeout: 60000,
      read_timeout: 60000,
      tls_verify: true,
      ca_certificates: ['4e3ad2e4-0bc4-4638-8e34-c84a417ba39b'],
      enabled: true,
    })
  })

  it("Kong's protocol conditionals", () => {
    expect(
      problemsOf({
        services: [
          { name: 's', url: 'grpc://h:50051/p' },
          { name: 't', host: 'h', tls_verify_depth: 2 },
        ],
      }),
    ).toEqual([
      { path: 'services[0].path', message: 'value must be null' },
      { path: 'services[0]', message: "failed conditional validation given value of field 'protocol'" },
      { path: 'services[1].tls_verify_depth', message: 'value must be null' },
      { path: 'services[1]', message: "failed conditional validation given value of field 'protocol'" },
    ])
  })

  it('a url that cannot be read is its own problem, not also a missing host', () => {
    expect(
      problemsOf({
        services: [
          { name: 's', url: 'upstream.internal:8080' },
          { name: 't', url: 'http:///path' },
        ],
      }),
    ).toEqual([
      { path: 'services[0].url', message: 'missing scheme in url' },
      { path: 'services[1].url', message: 'missing host in url' },
    ])
  })

  it.each([
    ['/a b', "invalid path: '/a b' (characters outside of the reserved list of RFC 3986 found)"],
    ['/a%zz', "invalid url-encoded value: '%zz'"],
    ['a', 'should start with: /'],
    ['/a//b', 'must not have empty segments'],
  ])('path %s', (path, message) => {
    expect(problemsOf({ services: [{ name: 's', host: 'h', path }] })).toEqual([{ path: 'services[0].path', message }])
  })
})

describe('certificates, snis and CA certificates', () => {
  const [cert, key, certAlt, keyAlt] = ['example.pem', 'example-key.pem', 'example-ecdsa.pem', 'example-ecdsa-key.pem'].map(testPem)
  const CA_ID = '4e3ad2e4-0bc4-4638-8e34-c84a417ba39b'

  it('keep each certificate with the names it is served for, in every form Kong reads them', () => {
    const config = load({
      certificates: [
        { id: 'c0a8e3c4-3b4e-4b7e-9f4c-0d1e2f3a4b5c', cert, key, cert_alt: certAlt, key_alt: keyAlt, snis: ['example.com', { name: '*.wildcard.com' }] },
        { cert: `${cert}\n${CA}`, key },
      ],
      snis: [{ name: 'wildcard.*', certificate: 'c0a8e3c4-3b4e-4b7e-9f4c-0d1e2f3a4b5c' }],
    })
    expect(config.certificates.map((c) => ({ path: c.path, snis: c.snis, alt: c.cert_alt !== undefined }))).toEqual([
      { path: 'certificates[0]', snis: ['example.com', '*.wildcard.com', 'wildcard.*'], alt: true },
      { path: 'certificates[1]', snis: [], alt: false },
    ])
  })

  it("resolve a service's client_certificate and ca_certificates to PEM", () => {
    const config = load({
      certificates: [{ id: 'c0a8e3c4-3b4e-4b7e-9f4c-0d1e2f3a4b5c', cert, key }],
      ca_certificates: [{ id: CA_ID, cert: CA }],
      services: [{ name: 's', url: 'https://api.example.com', client_certificate: { id: 'c0a8e3c4-3b4e-4b7e-9f4c-0d1e2f3a4b5c' }, ca_certificates: [CA_ID] }],
    })
    expect(config.services[0]).toMatchObject({ clientCertificate: { cert, key }, caCertificates: [CA] })
    expect(config.caCertificates.map((ca) => ca.id)).toEqual([CA_ID])
  })

  it("refuse what Kong refuses: an unknown CA certificate, half an alternative pair, a certificate that is not PEM, an unknown SNI's certificate", () => {
    expect(
      problemsOf({
        certificates: [
          { cert, key, cert_alt: certAlt },
          { cert: 'not a certificate', key },
        ],
        snis: [{ name: 'a.example', certificate: '5ba27a2a-0d0b-4b28-a4c2-1d3c2e5f4a6b' }],
        services: [{ name: 's', url: 'https://api.example.com', ca_certificates: [CA_ID] }],
      }),
    ).toEqual([
      { path: 'certificates[1].cert', message: 'invalid certificate: not a PEM certificate' },
      { path: 'snis[0].certificate', message: expect.stringContaining('5ba27a2a-0d0b-4b28-a4c2-1d3c2e5f4a6b') },
      { path: 'certificates[0]', message: "all or none of these fields must be set: 'cert_alt', 'key_alt'" },
      { path: `services[0].ca_certificates[0]`, message: `CA Certificate '${CA_ID}' does not exist` },
    ])
  })

  it('read a key from a vault reference, never quoting it', () => {
    const config = load({ certificates: [{ cert, key: '{vault://env/tls-key}', snis: ['a.example'] }] }, { TLS_KEY: key })
    expect(config.certificates[0].key).toBe(key)
    const problems = problemsOf({ certificates: [{ cert, key: '{vault://env/tls-key}' }] }, { TLS_KEY: 'not a key' })
    expect(problems).toEqual([{ path: 'certificates[0].key', message: 'the value of {vault://env/tls-key} invalid key: not a PEM key' }])
  })
})
