// Kong's declarative config specs, ported where they apply to a DB-less file
// (spec/01-unit/01-db/01-schema/11-declarative_config/01-validate_spec.lua, 03-flatten_spec.lua,
// 04-on-the-fly-migration_spec.lua, spec/01-unit/01-db/10-declarative_spec.lua). Plugins Kong's
// specs use are made for the test here (this gateway has its own set), with just the config
// fields the cases give them. Where this gateway answers differently (it refuses what it cannot
// act on), the case says so.

import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { buildGatewayConfig, type GatewayConfig } from '../../src/model/declarative.ts'
import type { Schema } from '../../src/model/schema.ts'
import type { ConfigProblem } from '../../src/model/validate.ts'
import type { PluginDefinition } from '../../src/pipeline/plugin.ts'
import { configError } from '../support/expect-error.ts'

const fake = (name: string, schema: Schema = {}, extra: Partial<PluginDefinition> = {}): PluginDefinition => ({
  name,
  priority: 1,
  schema,
  create: () => ({}),
  ...extra,
})
const text = { type: 'string' } as const
const registry = [
  fake('key-auth', {}, { noConsumer: true }),
  fake('basic-auth', {}, { noConsumer: true }),
  fake('http-log', { http_endpoint: text }),
  fake('tcp-log', { host: text, port: { type: 'integer' } }),
  fake('correlation-id', { header_name: text, generator: text, echo_downstream: { type: 'boolean' } }),
  fake('rate-limiting', { second: { type: 'number' }, policy: text }),
]

/** A YAML document as Kong's specs write them (their indentation removed). */
function yaml(source: string): unknown {
  return parse(source.replace(/^\n/, '').replace(new RegExp(`^${/^ */.exec(source.replace(/^\n/, ''))?.[0]}`, 'gm'), ''))
}

function load(document: unknown): GatewayConfig {
  return buildGatewayConfig(document, {}, { registry })
}

function problemsOf(document: unknown): ConfigProblem[] {
  return configError(() => load(document)).problems
}

describe('declarative config: validate (01-validate_spec.lua)', () => {
  describe('_format_version', () => {
    it('requires version 1.1 or 2.1 or 3.0', () => {
      expect(problemsOf({ _format_version: 1.1 })).toEqual([{ path: '_format_version', message: 'expected a string' }])
      expect(problemsOf({ _format_version: 'foobar' })).toEqual([{ path: '_format_version', message: 'expected one of: 1.1, 2.1, 3.0' }])
      for (const version of ['1.1', '2.1', '3.0']) expect(load({ _format_version: version }).routes).toEqual([])
    })
  })

  it('_comment accepts a string', () => {
    expect(problemsOf({ _format_version: '1.1', _comment: 1234 })).toEqual([{ path: '_comment', message: 'expected a string' }])
    expect(problemsOf({ _format_version: '1.1', _comment: { foo: 'bar' } })).toEqual([{ path: '_comment', message: 'expected a string' }])
    expect(() => load({ _format_version: '1.1', _comment: '1234' })).not.toThrow()
    expect(() => load({ _format_version: '1.1', _comment: 'I am a happy comment!' })).not.toThrow()
  })

  it('_ignore accepts an array of anything', () => {
    expect(problemsOf({ _format_version: '1.1', _ignore: 1234 })).toEqual([{ path: '_ignore', message: 'expected an array' }])
    expect(problemsOf({ _format_version: '1.1', _ignore: { foo: 'bar', bla: 123 } })).toEqual([{ path: '_ignore', message: 'expected an array' }])
    expect(() => load({ _format_version: '1.1', _ignore: [1234] })).not.toThrow()
    expect(() => load({ _format_version: '1.1', _ignore: [{ foo: 'bar', bla: 123 }, 'Hello, world', 1234] })).not.toThrow()
  })

  describe('services', () => {
    it('accepts an empty list', () => {
      expect(load(yaml('_format_version: "1.1"\nservices:\n')).services).toEqual([])
    })

    it('accepts entities, with _comment and _ignore', () => {
      const config = load(
        yaml(`
          _format_version: "1.1"
          services:
          - name: foo
            host: example.com
            protocol: https
            _comment: my comment
            _ignore:
            - foo: bar
          - name: bar
            host: example.test
            port: 3000
            _comment: my comment
            _ignore:
            - foo: bar
        `),
      )
      expect(config.services.map((s) => [s.name, s.protocol, s.host, s.port])).toEqual([
        ['foo', 'https', 'example.com', 80],
        ['bar', 'http', 'example.test', 3000],
      ])
    })

    it('verifies required fields', () => {
      expect(problemsOf({ _format_version: '1.1', services: [{ name: 'foo' }] })).toEqual([{ path: 'services[0].host', message: 'required field missing' }])
    })

    it('performs regular validations', () => {
      const problems = problemsOf({
        _format_version: '1.1',
        services: [{ name: 'foo', retries: -1, protocol: 'foo', host: 1234, port: 99999, path: '/foo//bar/' }],
      })
      expect(problems).toEqual(
        expect.arrayContaining([
          { path: 'services[0].host', message: 'expected a string' },
          { path: 'services[0].path', message: 'must not have empty segments' },
          { path: 'services[0].port', message: 'value should be between 0 and 65535' },
          { path: 'services[0].protocol', message: 'expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp' },
          { path: 'services[0].retries', message: 'value should be between 0 and 32767' },
        ]),
      )
      expect(problems).toHaveLength(5)
    })

    it('allows url shorthand, which expands into multiple fields', () => {
      const [service] = load({ _format_version: '1.1', services: [{ name: 'foo', url: 'https://example.com:8000/hello/world' }] }).services
      expect(service).toMatchObject({ protocol: 'https', host: 'example.com', port: 8000, path: '/hello/world' })
    })
  })

  describe('plugins', () => {
    it('accepts an empty list', () => {
      expect(load(yaml('_format_version: "1.1"\nplugins:\n')).plugins).toEqual([])
    })

    it('accepts entities, with _comment and _ignore', () => {
      const config = load({
        _format_version: '1.1',
        plugins: [
          { name: 'key-auth', _comment: 'my comment', _ignore: [{ foo: 'bar' }] },
          { name: 'http-log', config: { http_endpoint: 'https://example.com' }, _comment: 'my comment', _ignore: [{ foo: 'bar' }] },
        ],
      })
      expect(config.plugins.map((p) => [p.name, p.config])).toEqual([
        ['key-auth', {}],
        ['http-log', { http_endpoint: 'https://example.com' }],
      ])
    })
  })

  describe('nested relationships: plugins in services', () => {
    it('accepts an empty list', () => {
      expect(load({ _format_version: '1.1', services: [{ name: 'foo', plugins: [], host: 'example.com' }] }).plugins).toEqual([])
    })

    it('accepts entities', () => {
      const config = load(
        yaml(`
          _format_version: "1.1"
          services:
          - name: foo
            host: example.com
            protocol: https
            plugins:
              - name: key-auth
              - name: http-log
                config:
                  http_endpoint: https://example.com
          - name: bar
            host: example.test
            port: 3000
            plugins:
            - name: basic-auth
            - name: tcp-log
              config:
                host: 127.0.0.1
                port: 10000
        `),
      )
      expect(config.plugins.map((p) => [p.name, p.service?.name])).toEqual([
        ['key-auth', 'foo'],
        ['http-log', 'foo'],
        ['basic-auth', 'bar'],
        ['tcp-log', 'bar'],
      ])
    })

    it('verifies required fields', () => {
      expect(problemsOf({ _format_version: '1.1', services: [{ name: 'foo', url: 'https://example.com', plugins: [{ enabled: true }] }] })).toEqual([
        { path: 'services[0].plugins[0].name', message: 'required field missing' },
      ])
    })

    // Kong: "plugin 'foo' not enabled; add it to the 'plugins' configuration property".
    it('refuses a plugin it does not have, by name', () => {
      expect(problemsOf({ _format_version: '1.1', services: [{ name: 'foo', url: 'https://example.com', plugins: [{ name: 'foo' }] }] })).toEqual([
        {
          path: 'services[0].plugins[0].name',
          message: "plugin 'foo' is not supported by lambda-gateway: refusing to start rather than serve routes without it",
        },
        { path: '', message: "lambda-gateway's plugins: key-auth, basic-auth, http-log, tcp-log, correlation-id, rate-limiting" },
      ])
    })

    it('does not accept additional foreign keys', () => {
      expect(
        problemsOf({
          _format_version: '1.1',
          consumers: [{ username: 'foo' }],
          services: [{ name: 'foo', url: 'https://example.com', plugins: [{ name: 'key-auth', consumer: 'foo' }] }],
        }),
      ).toEqual([{ path: 'services[0].plugins[0].consumer', message: 'value must be null' }])
    })
  })

  describe('nested relationships: routes in services', () => {
    it('accepts an empty list', () => {
      expect(load({ _format_version: '1.1', services: [{ name: 'foo', routes: [], host: 'example.com' }] }).routes).toEqual([])
    })

    it('accepts entities', () => {
      const config = load(
        yaml(`
          _format_version: "1.1"
          services:
          - name: foo
            host: example.com
            protocol: https
            routes:
              - paths:
                - /path
              - hosts:
                - example.com
              - methods: ["GET", "POST"]
          - name: bar
            host: example.test
            port: 3000
            routes:
              - paths:
                - /path
                hosts:
                - example.com
                methods: ["GET", "POST"]
        `),
      )
      expect(config.routes.map((r) => [r.service?.name, r.paths, r.hosts ?? [], r.methods])).toEqual([
        ['foo', ['/path'], [], []],
        ['foo', [], ['example.com'], []],
        ['foo', [], [], ['GET', 'POST']],
        ['bar', ['/path'], ['example.com'], ['GET', 'POST']],
      ])
    })

    it('verifies required fields', () => {
      expect(problemsOf({ _format_version: '1.1', services: [{ name: 'foo', url: 'https://example.com', routes: [{ preserve_host: true }] }] })).toEqual([
        { path: 'services[0].routes[0]', message: expect.stringContaining('must set one of') },
      ])
    })

    it('performs regular validations', () => {
      expect(
        problemsOf({ _format_version: '1.1', services: [{ name: 'foo', url: 'https://example.com', routes: [{ name: 'foo', paths: ['bla'] }] }] }),
      ).toEqual([{ path: 'services[0].routes[0].paths[0]', message: 'should start with: / (fixed path) or ~/ (regex path)' }])
    })
  })

  describe('nested relationships: plugins in routes in services', () => {
    it('verifies required fields', () => {
      expect(
        problemsOf({
          _format_version: '1.1',
          services: [{ name: 'foo', url: 'https://example.com', routes: [{ paths: ['/'], plugins: [{ enabled: true }] }] }],
        }),
      ).toEqual([{ path: 'services[0].routes[0].plugins[0].name', message: 'required field missing' }])
    })

    it('does not accept additional foreign keys', () => {
      expect(
        problemsOf({
          _format_version: '1.1',
          routes: [{ name: 'foo', paths: ['/foo'] }],
          services: [{ name: 'foo', url: 'https://example.com', routes: [{ paths: ['/'], plugins: [{ name: 'key-auth', route: 'foo' }] }] }],
        }),
      ).toEqual([{ path: 'services[0].routes[0].plugins[0].route', message: 'value must be null' }])
    })
  })

  it.each(['BANANA_', 'BANANA-'])('accepts env vaults with config.prefix %s', (prefix) => {
    const document = { _format_version: '1.1', vaults: [{ prefix: 'aba', config: { prefix }, description: 'Banana vault', tags: null, name: 'env' }] }
    expect(() => load(document)).not.toThrow()
  })
})

describe('declarative config: flatten (03-flatten_spec.lua)', () => {
  it('fails with missing foreign relationships', () => {
    const document = yaml(`
      _format_version: "1.1"
      plugins:
        - name: http-log
          service: svc1
          consumer: my-consumer
          config:
            http_endpoint: https://example.com
    `)
    expect(problemsOf(document)).toEqual(
      expect.arrayContaining([
        { path: 'plugins[0].consumer', message: "invalid reference 'consumer: my-consumer' (no such entry in 'consumers')" },
        { path: 'plugins[0].service', message: "invalid reference 'service: svc1' (no such entry in 'services')" },
      ]),
    )
  })

  it('succeeds with present foreign relationships', () => {
    const config = load(
      yaml(`
        _format_version: "1.1"
        services:
          - name: svc1
            host: example.com
        routes:
          - name: r1
            path_handling: v0
            paths: [/]
            service: svc1
        consumers:
          - username: my-consumer
        plugins:
          - name: key-auth
            route: r1
          - name: http-log
            service: svc1
            consumer: my-consumer
            config:
              http_endpoint: https://example.com
      `),
    )
    expect(config.plugins.map((p) => [p.name, p.route?.label, p.service?.name, p.consumer?.username])).toEqual([
      ['key-auth', 'r1', undefined, undefined],
      ['http-log', undefined, 'svc1', 'my-consumer'],
    ])
  })

  it('identical targets of two upstreams are not duplicates', () => {
    const config = load({
      _format_version: '1.1',
      upstreams: [
        { name: 'first-upstream', targets: [{ target: '127.0.0.1:6661', weight: 1 }] },
        { name: 'second-upstream', targets: [{ target: '127.0.0.1:6661', weight: 1 }] },
      ],
    })
    const [first, second] = config.upstreams.map((upstream) => upstream.targets[0])
    expect([first.target, second.target]).toEqual(['127.0.0.1:6661', '127.0.0.1:6661'])
    expect(first.id).not.toBe(second.id)
  })

  describe('basicauth_credentials', () => {
    const credential = (extra: Record<string, unknown> = {}) => ({ username: 'username', password: 'password', ...extra })
    const ID = '0fe87b4a-ce29-515a-88ec-8547e66550b9'
    const credentials = (document: unknown) => load(document).credentials.basicauth.map((c) => [c.username, c.password, c.consumer.username])

    it('accepts an empty list', () => {
      expect(load({ _format_version: '1.1', basicauth_credentials: null }).credentials.basicauth).toEqual([])
    })

    it.each([
      ['nested', { consumers: [{ username: 'consumer', basicauth_credentials: [credential()] }] }],
      ['nested, naming its consumer by id', { consumers: [{ id: ID, username: 'consumer', basicauth_credentials: [credential({ consumer: ID })] }] }],
      ['nested, naming its consumer by username', { consumers: [{ username: 'consumer', basicauth_credentials: [credential({ consumer: 'consumer' })] }] }],
      ['unnested, by id', { consumers: [{ id: ID, username: 'consumer' }], basicauth_credentials: [credential({ consumer: ID })] }],
      ['unnested, by username', { consumers: [{ username: 'consumer' }], basicauth_credentials: [credential({ consumer: 'consumer' })] }],
    ])('accepts it %s', (_, document) => {
      expect(credentials({ _format_version: '1.1', ...document })).toEqual([['username', 'password', 'consumer']])
    })

    it.each([
      ['by incorrect id', '00000000-0000-0000-0000-000000000000'],
      ['by incorrect username', 'incorrect'],
    ])('refuses it nested, naming another consumer %s (Kong: value must be null)', (_, consumer) => {
      const document = { _format_version: '1.1', consumers: [{ id: ID, username: 'consumer', basicauth_credentials: [credential({ consumer })] }] }
      expect(problemsOf(document)).toEqual([{ path: 'consumers[0].basicauth_credentials[0].consumer', message: 'value must be null' }])
    })

    // Kong's words here are a quirk of its second validation pass ("consumer.id: missing primary key").
    it.each([
      ['by incorrect id', '00000000-0000-0000-0000-000000000000'],
      ['by incorrect username', 'incorrect'],
    ])('refuses it unnested %s', (_, consumer) => {
      const document = { _format_version: '1.1', consumers: [{ id: ID, username: 'consumer' }], basicauth_credentials: [credential({ consumer })] }
      expect(problemsOf(document)).toEqual([
        { path: 'basicauth_credentials[0].consumer', message: `invalid reference 'consumer: ${consumer}' (no such entry in 'consumers')` },
      ])
    })
  })

  it('jwt_secrets (globally unique) to consumers, flat, with an RS256 public key', () => {
    const { publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 1024,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    })
    const config = load({
      _format_version: '1.1',
      consumers: [{ username: 'foo' }],
      jwt_secrets: [{ consumer: 'foo', key: 'https://keycloak/realms/foo', algorithm: 'RS256', rsa_public_key: publicKey }],
    })
    expect(config.credentials.jwt.map((j) => [j.consumer.username, j.key, j.algorithm, j.rsa_public_key])).toEqual([
      ['foo', 'https://keycloak/realms/foo', 'RS256', publicKey],
    ])
  })

  it('targets (not globally unique) to upstreams, flat', () => {
    const targets = [
      { upstream: 'first-upstream', target: '127.0.0.1:6661', weight: 1 },
      { upstream: 'second-upstream', target: '127.0.0.1:6661', weight: 1 },
    ]
    const upstreams = [{ name: 'first-upstream' }, { name: 'second-upstream' }]
    const config = load({ _format_version: '1.1', upstreams, targets })
    expect(config.upstreams.map((u) => [u.name, u.targets.map((t) => [t.target, t.weight])])).toEqual([
      ['first-upstream', [['127.0.0.1:6661', 1]]],
      ['second-upstream', [['127.0.0.1:6661', 1]]],
    ])
    const document = { _format_version: '1.1', upstreams, targets: [...targets, { upstream: 'third-upstream', target: 'not a target', weight: 1 }] }
    expect(problemsOf(document)).toEqual([
      { path: 'targets[2].target', message: "Invalid target ('not a target'); not a valid hostname or ip address" },
      { path: 'targets[2].upstream', message: "invalid reference 'upstream: third-upstream' (no such entry in 'upstreams')" },
    ])
  })

  describe('issues', () => {
    it('#5750: a plugin naming a route that does not exist says so', () => {
      const document = {
        _format_version: '1.1',
        consumers: [{ username: 'consumer-test', basicauth_credentials: [{ username: 'some_user', password: 'some_password' }] }],
        plugins: [{ name: 'rate-limiting', config: { second: 5 }, route: 'does-not-exist', enabled: true, protocols: ['http', 'https'] }],
      }
      expect(problemsOf(document)).toEqual([{ path: 'plugins[0].route', message: "invalid reference 'route: does-not-exist' (no such entry in 'routes')" }])
    })

    it('#5920: no validation error on valid input', () => {
      const document = yaml(`
        _format_version: "1.1"

        services:
        - name: test-service
          routes:
          - paths:
            - /test/path
            plugins:
            - name: key-auth
          url: https://example.com

        consumers:
        - username: test-user
          basicauth_credentials:
          - username: test-username
            password: test-password
      `)
      expect(() => load(document)).not.toThrow()
    })

    it('#7696: a foreign reference of the wrong entity gives a useful message', () => {
      const document = {
        _format_version: '2.1',
        services: [
          {
            name: 'my-service-1',
            url: 'http://localhost:8001/status',
            routes: [{ name: 'my-route-1', service: { id: '769bdf51-16df-5476-9830-ef26800b5448' }, paths: ['/status'] }],
          },
        ],
      }
      expect(problemsOf(document)).toEqual([
        {
          path: 'services[0].routes[0].service',
          message: `invalid reference 'service: {"id":"769bdf51-16df-5476-9830-ef26800b5448"}' (no such entry in 'services')`,
        },
      ])
    })

    it('#7620: YAML anchors work as expected', () => {
      const config = load(
        yaml(`
          _format_version: "1.1"
          services:
            - name: service1
              url: http://example.com
              plugins:
                - &correlation-plugin
                  name: correlation-id
                  config:
                    header_name: X-Request-Id
                    generator: uuid
                    echo_downstream: true
                - &rate-limiting-plugin
                  name: rate-limiting
                  config:
                    second: 5
                    policy: local
              routes:
                - name: foo
                  strip_path: false
                  paths:
                    - /foo
            - name: service2
              url: http://example.com
              plugins:
                - *correlation-plugin
                - *rate-limiting-plugin
              routes:
                - name: bar
                  strip_path: false
                  paths:
                    - /bar
        `),
      )
      expect(config.plugins).toHaveLength(4)
    })
  })
})

describe('declarative (10-declarative_spec.lua)', () => {
  it('a null name is no name', () => {
    const [route] = load(yaml('_format_version: "1.1"\nroutes:\n  - name: null\n    paths:\n    - /\n')).routes
    expect([route.label, route.paths]).toEqual(['routes[0]', ['/']])
  })

  it('ttl fields are accepted (null) in DB-less schema validation', () => {
    const config = load(
      yaml(`
        _format_version: '2.1'
        consumers:
        - custom_id: ~
          id: e150d090-4d53-4e55-bff8-efaaccd34ec4
          tags: ~
          username: bar@example.com
        services:
        keyauth_credentials:
        - created_at: 1593624542
          id: 3f9066ef-b91b-4d1d-a05a-28619401c1ad
          tags: ~
          ttl: ~
          key: test
          consumer: e150d090-4d53-4e55-bff8-efaaccd34ec4
      `),
    )
    expect(config.credentials.keyauth.map((k) => [k.id, k.key, k.consumer.username])).toEqual([
      ['3f9066ef-b91b-4d1d-a05a-28619401c1ad', 'test', 'bar@example.com'],
    ])
  })

  it('parses nested entities (a certificate that is not PEM refused, with its field)', () => {
    const problems = problemsOf({
      _format_version: '3.0',
      certificates: [{ cert: 'not a certificate', key: 'not a key', snis: [{ name: 'alpha.example' }] }],
      consumers: [{ username: 'consumerA', basicauth_credentials: [{ password: 'qwerty', username: 'qwerty' }] }],
    })
    expect(problems).toContainEqual({ path: 'certificates[0].cert', message: 'invalid certificate: not a PEM certificate' })
    expect(problems).toContainEqual({ path: 'certificates[0].key', message: 'invalid key: not a PEM key' })
    expect(problems.filter((p) => p.path.startsWith('consumers'))).toEqual([])
  })
})

describe('declarative config: on the fly migration (04-on-the-fly-migration_spec.lua)', () => {
  const flat = (version: string) => `
    _format_version: "${version}"
    services:
    - name: foo
      host: example.com
      protocol: https
      enabled: false
      _comment: my comment
      _ignore:
      - foo: bar
    - name: bar
      host: example.test
      port: 3000
      tags: [hello, world]
    routes:
    - name: foo
      path_handling: v0
      protocols: ["https"]
      paths: ["/regex.+", "/prefix" ]
      service: bar
  `
  const nested = (version: string) => `
    _format_version: "${version}"
    services:
    - name: bar
      host: example.test
      port: 3000
      routes:
      - name: foo
        path_handling: v0
        protocols: ["https"]
        paths: ["/regex.+", "/prefix" ]
  `
  it.each(['1.1', '2.1', '3.0'])('routes handling for format version %s', (version) => {
    for (const source of [flat(version), nested(version)]) {
      const config = load(yaml(source))
      expect(config.routes[0].paths).toEqual(version === '3.0' ? ['/regex.+', '/prefix'] : ['~/regex.+', '/prefix'])
      expect(config.warnings).toEqual(
        version === '3.0'
          ? []
          : [
              {
                message: expect.stringContaining(`_format_version "${version}" read as Kong 3 reads it: 1 route path migrated`),
                fields: { paths: [expect.stringContaining('/regex.+ → ~/regex.+')] },
              },
            ],
      )
    }
  })

  it('validation happens after migration', () => {
    const problems = problemsOf({
      _format_version: '2.1',
      services: [{ name: 'bar', host: 'example.test', routes: [{ name: 'foo', paths: ['/regex.+(', '/prefix'] }] }],
    })
    expect(problems).toEqual([{ path: 'services[0].routes[0].paths[0]', message: expect.stringMatching(/^invalid regex: '\/regex\.\+\('/) }])
  })
})
