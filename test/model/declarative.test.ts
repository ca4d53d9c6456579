// Unit tests of buildGatewayConfig: Kong's schema spec (the S cases of
// docs/aws-lambda-plugin.md#spec-cases-ported-from-kong), its fields and entity checks
// (docs/aws-lambda-plugin.md#configuration-fields) and the declarative-config rules of this gateway.

import { describe, expect, it } from 'vitest'
import type { Env } from '../../src/env.ts'
import { buildGatewayConfig, type GatewayConfig, type GatewayRoute } from '../../src/model/declarative.ts'
import { ConfigError, type ConfigProblem } from '../../src/model/validate.ts'
import { instanceFor } from '../../src/pipeline/plan.ts'
import type { AwsLambdaConfig } from '../../src/plugins/aws-lambda/schema.ts'
import { configError } from '../support/expect-error.ts'

type Config = Record<string, unknown>

/** The plugin path of the single route of `lambdaDoc`. */
const PLUGIN = 'routes[0].plugins[0]'
const CONFIG = `${PLUGIN}.config`
const BASE = { aws_region: 'us-east-1', function_name: 'my-function' }
/** A service's upstream (Kong requires a host; the gateway does not contact it). */
const UPSTREAM = 'http://upstream.invalid'

/** A document with one route whose only plugin is aws-lambda with `config`. */
function lambdaDoc(config: Config): Config {
  return { _format_version: '3.0', routes: [{ name: 'r', paths: ['/'], plugins: [{ name: 'aws-lambda', config }] }] }
}

function build(document: unknown, env: Env = {}): GatewayConfig {
  return buildGatewayConfig(document, env)
}

/** The plugin config of the only route built from `config`. */
function plugin(config: Config, env: Env = {}): AwsLambdaConfig {
  const { routes, plugins } = build(lambdaDoc(config), env)
  expect(routes).toHaveLength(1)
  return plugins[0].config as AwsLambdaConfig
}

/** The function of the aws-lambda instance Kong's precedence picks for `route`. */
function lambdaOf(config: GatewayConfig, route: GatewayRoute): string | undefined {
  return (instanceFor(route, config.plugins, 'aws-lambda')?.config as AwsLambdaConfig | undefined)?.function_name
}

/** The problems of a document that must be refused. */
function problemsOf(document: unknown, env: Env = {}): ConfigProblem[] {
  return configError(() => buildGatewayConfig(document, env)).problems
}

function configProblems(config: Config, env: Env = {}): ConfigProblem[] {
  return problemsOf(lambdaDoc(config), env)
}

const lambdaPlugin = (config: Config, extra: Config = {}) => ({ name: 'aws-lambda', ...extra, config })

describe("Kong's schema spec (02-schema_spec.lua)", () => {
  it('S1 accepts a config without unhandled_status', () => {
    expect(plugin(BASE).unhandled_status).toBeUndefined()
  })

  it.each([412, 100, 999])('S2 accepts unhandled_status %i', (status) => {
    expect(plugin({ ...BASE, unhandled_status: status }).unhandled_status).toBe(status)
  })

  it.each([99, 1000])('S3/S4 refuses unhandled_status %i', (status) => {
    expect(configProblems({ ...BASE, unhandled_status: status })).toEqual([
      { path: `${CONFIG}.unhandled_status`, message: 'value should be between 100 and 999' },
    ])
  })

  it('S5 accepts neither aws_key nor aws_secret', () => {
    const config = plugin(BASE)
    expect(config.aws_key).toBeUndefined()
    expect(config.aws_secret).toBeUndefined()
  })

  it.each([
    ['S6 aws_secret only', { aws_secret: 'secret' }],
    ['S7 aws_key only', { aws_key: 'key' }],
  ])('%s is refused at the entity', (_label, credentials) => {
    expect(configProblems({ ...BASE, ...credentials })).toEqual([
      { path: PLUGIN, message: "all or none of these fields must be set: 'config.aws_key', 'config.aws_secret'" },
    ])
  })

  it('accepts aws_key with aws_secret', () => {
    const config = plugin({ ...BASE, aws_key: 'key', aws_secret: 'secret' })
    expect(config.aws_key).toBe('key')
    expect(config.aws_secret).toBe('secret')
  })

  it.each(['https://squid:3128', 'ftp://squid:3128', 'wss://squid:3128'])('S8 refuses proxy_url %s', (url) => {
    expect(configProblems({ ...BASE, proxy_url: url })).toEqual([{ path: PLUGIN, message: 'proxy_url scheme must be http' }])
  })

  it.each(['Event', 'DryRun'])('refuses response_streaming with invocation_type %s (nothing to stream)', (type) => {
    expect(configProblems({ ...BASE, response_streaming: true, invocation_type: type })).toEqual([
      { path: PLUGIN, message: `response_streaming needs invocation_type RequestResponse (${type} invocations return no response to stream)` },
    ])
  })

  it('accepts response_streaming (ours) with RequestResponse', () => {
    expect(plugin({ ...BASE, response_streaming: true }).response_streaming).toBe(true)
  })

  it('accepts an http:// proxy_url, ssl_verify: false and an assumed role', () => {
    const config = plugin({
      ...BASE,
      proxy_url: 'http://squid:3128',
      ssl_verify: false,
      aws_assume_role_arn: 'arn:aws:iam::123456789012:role/gateway',
      aws_role_session_name: 'edge@gw',
    })
    expect(config).toMatchObject({
      proxy_url: 'http://squid:3128',
      ssl_verify: false,
      aws_assume_role_arn: 'arn:aws:iam::123456789012:role/gateway',
      aws_role_session_name: 'edge@gw',
    })
    expect(plugin({ ...BASE, aws_assume_role_arn: 'arn:aws-cn:iam::123456789012:role/path/to/r' }).aws_assume_role_arn).toContain('aws-cn')
  })

  it.each([
    ['aws_assume_role_arn', 'arn:aws:iam::123456789012:user/someone', 'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)'],
    ['aws_assume_role_arn', 'my-role', 'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)'],
    ['aws_role_session_name', 'x', 'must be 2 to 64 characters: letters, digits and _+=,.@-'],
    ['aws_role_session_name', 'has space', 'must be 2 to 64 characters: letters, digits and _+=,.@-'],
    ['aws_role_session_name', 'a'.repeat(65), 'must be 2 to 64 characters: letters, digits and _+=,.@-'],
  ])('refuses %s %s, which STS would refuse at every request', (field, value, message) => {
    expect(configProblems({ ...BASE, [field]: value })).toEqual([{ path: `${CONFIG}.${field}`, message }])
  })

  it('S9 accepts host without aws_region', () => {
    const config = plugin({ function_name: 'my-function', host: 'my.lambda.host' })
    expect(config.host).toBe('my.lambda.host')
    expect(config.aws_region).toBeUndefined()
  })

  it('S10 accepts a config with only function_name', () => {
    const config = plugin({ function_name: 'my-function' })
    expect(config.function_name).toBe('my-function')
    expect(config.aws_region).toBeUndefined()
    expect(config.host).toBeUndefined()
  })

  it('S11 accepts host together with aws_region', () => {
    const config = plugin({ ...BASE, host: 'my.lambda.host' })
    expect(config.host).toBe('my.lambda.host')
    expect(config.aws_region).toBe('us-east-1')
  })
})

describe('defaults', () => {
  it("fills in every default of Kong's field table", () => {
    expect(plugin(BASE)).toEqual({
      function_name: 'my-function',
      aws_region: 'us-east-1',
      port: 443,
      disable_https: false,
      timeout: 60000,
      keepalive: 60000,
      aws_role_session_name: 'kong',
      aws_imds_protocol_version: 'v1',
      invocation_type: 'RequestResponse',
      log_type: 'Tail',
      forward_request_method: false,
      forward_request_uri: false,
      forward_request_headers: false,
      forward_request_body: false,
      is_proxy_integration: false,
      awsgateway_compatible: false,
      awsgateway_compatible_payload_version: '1.0',
      skip_large_bodies: true,
      base64_encode_body: true,
      empty_arrays_mode: 'legacy',
      ssl_verify: true,
      preserve_lambda_api_error_code: false,
      response_streaming: false,
    })
  })

  it('keeps values that are set', () => {
    const config = plugin({
      ...BASE,
      timeout: 1500,
      keepalive: 10,
      port: 8443,
      invocation_type: 'Event',
      log_type: 'None',
      empty_arrays_mode: 'correct',
      skip_large_bodies: false,
      base64_encode_body: false,
      qualifier: 'prod',
    })
    expect(config).toMatchObject({
      timeout: 1500,
      keepalive: 10,
      port: 8443,
      invocation_type: 'Event',
      log_type: 'None',
      empty_arrays_mode: 'correct',
      skip_large_bodies: false,
      base64_encode_body: false,
      qualifier: 'prod',
    })
  })

  it('fills in the route defaults', () => {
    const { routes } = build({ _format_version: '3.0', routes: [{ hosts: ['Lambda.Test'], plugins: [lambdaPlugin(BASE)] }] })
    expect(routes).toEqual([
      {
        label: 'routes[0]',
        path: 'routes[0]',
        paths: [],
        methods: [],
        hosts: ['Lambda.Test'],
        headers: {},
        snis: [],
        protocols: ['http', 'https'],
        httpsRedirectStatusCode: 426,
        stripPath: true,
        regexPriority: 0,
        pathHandling: 'v0',
        preserveHost: false,
        requestBuffering: true,
        responseBuffering: true,
      },
    ])
  })

  it('keeps route settings that are set', () => {
    const { routes } = build({
      _format_version: '3.0',
      routes: [
        {
          name: 'named',
          paths: ['/a', '~/b/\\d+$'],
          methods: ['GET', 'POST'],
          strip_path: false,
          regex_priority: 5,
          plugins: [lambdaPlugin(BASE)],
        },
      ],
    })
    expect(routes[0]).toMatchObject({
      label: 'named',
      paths: ['/a', '~/b/\\d+$'],
      methods: ['GET', 'POST'],
      stripPath: false,
      regexPriority: 5,
    })
  })
})

describe('type and value errors use Kong wording', () => {
  it.each<[string, unknown, string]>([
    ['function_name', 42, 'expected a string'],
    ['aws_region', true, 'expected a string'],
    ['timeout', '60000', 'expected a number'],
    ['keepalive', 'long', 'expected a number'],
    ['port', 1.5, 'expected an integer'],
    ['port', '443', 'expected an integer'],
    ['unhandled_status', 500.5, 'expected an integer'],
    ['disable_https', 'true', 'expected a boolean'],
    ['is_proxy_integration', 1, 'expected a boolean'],
    ['invocation_type', 'Async', 'expected one of: RequestResponse, Event, DryRun'],
    ['log_type', 'All', 'expected one of: Tail, None'],
    ['empty_arrays_mode', 'fixed', 'expected one of: legacy, correct'],
    ['aws_imds_protocol_version', 'v3', 'expected one of: v1, v2'],
    ['function_name', '', 'length must be at least 1'],
    ['qualifier', '', 'length must be at least 1'],
    ['aws_region', '', 'length must be at least 1'],
    ['qualifier', 'q'.repeat(129), 'length must be at most 128'],
    ['port', 65536, 'value should be between 0 and 65535'],
    ['port', -1, 'value should be between 0 and 65535'],
    ['aws_region', 'us-east-1:443', 'must not have a port'],
    ['host', 'my.lambda.host:8443', 'must not have a port'],
    ['host', '127.0.0.1:8080', 'must not have a port'],
    ['host', 'bad host', 'invalid value: bad host'],
    ['host', '[::1]:8080', 'must not have a port'],
    ['host', ':::::::::', 'invalid value: :::::::::'],
    ['host', '[fe80::1', 'invalid value: [fe80::1'],
    ['aws_region', '::1', 'invalid value: ::1'],
    ['aws_sts_endpoint_url', 'sts.amazonaws.com', 'missing scheme in url'],
  ])('%s = %j → %s', (field, value, message) => {
    expect(configProblems({ ...BASE, [field]: value })).toEqual([{ path: `${CONFIG}.${field}`, message }])
  })

  it.each(['::1', '[::1]', 'fd00:ec2::23', '127.0.0.1', 'localhost'])('accepts the host %s', (host) => {
    expect(plugin({ ...BASE, host }).host).toBe(host)
  })

  it('accepts a qualifier of 128 characters', () => {
    expect(plugin({ ...BASE, qualifier: 'q'.repeat(128) }).qualifier).toHaveLength(128)
  })

  // Kong (utils.hostname_type) treats a name with one colon as a name with a port, whatever its letters.
  it('refuses a host of hex letters with a port (cafe:443) instead of taking it for IPv6', () => {
    expect(configProblems({ ...BASE, host: 'cafe:443' })).toEqual([{ path: `${CONFIG}.host`, message: 'must not have a port' }])
  })
})

describe('function_name', () => {
  it('is required', () => {
    expect(configProblems({ aws_region: 'us-east-1' })).toEqual([{ path: `${CONFIG}.function_name`, message: 'required field missing' }])
  })

  it.each([
    'my-function',
    'my_function.v2',
    'my-function:prod',
    'my-function:7',
    'my-function:$LATEST',
    'arn:aws:lambda:us-east-1:123456789012:function:my-function',
    'arn:aws:lambda:us-east-1:123456789012:function:my-function:prod',
    'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:my-function',
    '123456789012:function:my-function',
  ])('accepts %s', (name) => {
    expect(plugin({ ...BASE, function_name: name }).function_name).toBe(name)
  })

  it.each(['my function', 'a/b', 'my-function:', 'my-function:a:b', 'my-function?x=1'])('refuses %j', (name) => {
    const problems = configProblems({ ...BASE, function_name: name })
    expect(problems).toEqual([{ path: `${CONFIG}.function_name`, message: expect.stringContaining('function name') }])
  })

  it('refuses a name longer than 170 characters', () => {
    expect(configProblems({ ...BASE, function_name: 'f'.repeat(171) })).toEqual([{ path: `${CONFIG}.function_name`, message: 'length must be at most 170' }])
  })
})

describe('unknown and unsupported entries are refused', () => {
  it('an unknown field in the plugin config', () => {
    expect(configProblems({ ...BASE, aws_secret_key: 'x' })).toEqual([{ path: `${CONFIG}.aws_secret_key`, message: 'unknown field' }])
  })

  it('an unknown field in a route', () => {
    expect(
      problemsOf({
        _format_version: '3.0',
        routes: [{ paths: ['/'], hostname: 'example.com', plugins: [lambdaPlugin(BASE)] }],
      }),
    ).toEqual([{ path: 'routes[0].hostname', message: 'unknown field' }])
  })

  it('an unknown field in a plugin', () => {
    expect(
      problemsOf({
        _format_version: '3.0',
        routes: [{ paths: ['/'], plugins: [lambdaPlugin(BASE, { scope: 'alice' })] }],
      }),
    ).toEqual([{ path: 'routes[0].plugins[0].scope', message: 'unknown field' }])
  })

  // Kong's declarative spec: an entity written inside another names nothing itself.
  it('a plugin nested in a route that names a consumer (Kong: value must be null)', () => {
    expect(
      problemsOf({
        _format_version: '3.0',
        consumers: [{ username: 'alice' }],
        routes: [{ paths: ['/'], plugins: [lambdaPlugin(BASE, { consumer: 'alice' })] }],
      }),
    ).toEqual([{ path: 'routes[0].plugins[0].consumer', message: 'value must be null' }])
  })

  it('an unknown field in a service', () => {
    expect(
      problemsOf({
        _format_version: '3.0',
        services: [{ name: 's', url: UPSTREAM, hostname: 'example.com', plugins: [lambdaPlugin(BASE)], routes: [{ paths: ['/'] }] }],
      }),
    ).toEqual([{ path: 'services[0].hostname', message: 'unknown field' }])
  })

  it('an unknown field at the top level', () => {
    expect(
      problemsOf({
        _format_version: '3.0',
        consumer: [{ username: 'alice' }],
        routes: [{ paths: ['/'], plugins: [lambdaPlugin(BASE)] }],
      }),
    ).toEqual([{ path: 'consumer', message: "unknown field (did you mean 'consumers'?)" }])
  })

  // Kong accepts a nested entity naming the entity it is in, and nothing else.
  it('a route nested in a service naming another service', () => {
    const services = (service: string) => [
      { name: 's', url: UPSTREAM, plugins: [lambdaPlugin(BASE)], routes: [{ paths: ['/'], service }] },
      { name: 'other', url: UPSTREAM },
    ]
    expect(problemsOf({ _format_version: '3.0', services: services('other') })).toEqual([
      { path: 'services[0].routes[0].service', message: 'value must be null' },
    ])
    expect(build({ _format_version: '3.0', services: services('s') }).routes).toHaveLength(1)
  })

  it('an unknown plugin on a route', () => {
    expect(
      problemsOf({
        _format_version: '3.0',
        routes: [{ paths: ['/'], plugins: [{ name: 'oauth2' }, lambdaPlugin(BASE)] }],
      }),
    ).toEqual([
      { path: 'routes[0].plugins[0].name', message: expect.stringContaining("plugin 'oauth2' is not supported") },
      { path: '', message: expect.stringContaining("lambda-gateway's plugins: acl, aws-lambda") },
    ])
  })

  it('an unknown plugin on a service', () => {
    expect(
      problemsOf({
        _format_version: '3.0',
        services: [{ name: 's', url: UPSTREAM, plugins: [{ name: 'oauth2', config: {} }], routes: [{ paths: ['/'], plugins: [lambdaPlugin(BASE)] }] }],
      }),
    ).toEqual([
      { path: 'services[0].plugins[0].name', message: expect.stringContaining("plugin 'oauth2' is not supported") },
      { path: '', message: expect.stringContaining("lambda-gateway's plugins: acl, aws-lambda") },
    ])
  })

  it('a plugin without a name', () => {
    expect(
      problemsOf({
        _format_version: '3.0',
        routes: [{ paths: ['/'], plugins: [{ config: BASE }] }],
      }),
    ).toContainEqual({ path: 'routes[0].plugins[0].name', message: 'required field missing' })
  })

  // Kong: a plugin without config takes its schema's defaults (aws-lambda has a required field).
  it('a plugin without a config', () => {
    expect(
      problemsOf({
        _format_version: '3.0',
        routes: [{ paths: ['/'], plugins: [{ name: 'aws-lambda' }] }],
      }),
    ).toEqual([{ path: 'routes[0].plugins[0].config.function_name', message: 'required field missing' }])
  })

  it('a missing _format_version', () => {
    expect(problemsOf({ routes: [{ paths: ['/'], plugins: [lambdaPlugin(BASE)] }] })).toEqual([{ path: '_format_version', message: 'required field missing' }])
  })

  it('an unknown _format_version, in Kong words', () => {
    expect(problemsOf({ ...lambdaDoc(BASE), _format_version: '4.0' })).toEqual([{ path: '_format_version', message: 'expected one of: 1.1, 2.1, 3.0' }])
    expect(problemsOf({ ...lambdaDoc(BASE), _format_version: 3 })).toEqual([{ path: '_format_version', message: 'expected a string' }])
  })

  it('a document that is not an object', () => {
    expect(problemsOf(['routes'])).toEqual([{ path: '', message: 'the configuration must be an object' }])
    expect(problemsOf(null)).toEqual([{ path: '', message: 'the configuration must be an object' }])
  })

  it('a route without paths, hosts, methods, headers or snis', () => {
    expect(problemsOf({ _format_version: '3.0', routes: [{ name: 'r', plugins: [lambdaPlugin(BASE)] }] })).toEqual([
      { path: 'routes[0]', message: "must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https'" },
    ])
  })

  it('an invalid regex path', () => {
    expect(problemsOf({ _format_version: '3.0', routes: [{ paths: ['~/('], plugins: [lambdaPlugin(BASE)] }] })).toEqual([
      { path: 'routes[0].paths[0]', message: expect.stringMatching(/^invalid regex: '\/\('/) },
    ])
  })

  it('regex syntax that Rust refuses (Kong 3 matches with Rust regex): each path named, in the words of Rust', () => {
    const route = (paths: string[]) => ({ paths, plugins: [lambdaPlugin(BASE)] })
    const document = {
      _format_version: '3.0',
      routes: [route(['/ok']), route(['~/fine/\\d+']), route(['/ok']), route(['~/(x)\\1', '~/a(?=b)', '~/(?<=a)b'])],
    }
    expect(problemsOf(document)).toEqual([
      { path: 'routes[3].paths[0]', message: "invalid regex: '/(x)\\1' (backreferences are not supported)" },
      { path: 'routes[3].paths[1]', message: "invalid regex: '/a(?=b)' (look-around, including look-ahead and look-behind, is not supported)" },
      { path: 'routes[3].paths[2]', message: "invalid regex: '/(?<=a)b' (look-around, including look-ahead and look-behind, is not supported)" },
    ])
  })

  it('accepts a regex path with a PCRE named group', () => {
    const { routes } = build({ _format_version: '3.0', routes: [{ paths: ['~/users/(?P<id>\\d+)$'], plugins: [lambdaPlugin(BASE)] }] })
    expect(routes[0].paths).toEqual(['~/users/(?P<id>\\d+)$'])
  })

  it('a prefix path that is not in the normalised form requests are matched in (as Kong refuses it)', () => {
    const document = { _format_version: '3.0', routes: [{ paths: ['/ok', '/a%2fb', '/%61dmin', '/a//b/./c', '/%FF'], plugins: [lambdaPlugin(BASE)] }] }
    expect(problemsOf(document)).toEqual([
      { path: 'routes[0].paths[1]', message: "non-normalized path, consider use '/a%2Fb' instead" },
      { path: 'routes[0].paths[2]', message: "non-normalized path, consider use '/admin' instead" },
      { path: 'routes[0].paths[3]', message: 'must not have empty segments' },
      { path: 'routes[0].paths[4]', message: "invalid path: '/%FF' (percent-encoded bytes that are not UTF-8)" },
    ])
  })

  it('a path starting with neither / nor ~', () => {
    expect(problemsOf({ _format_version: '3.0', routes: [{ paths: ['/ok', 'users'], plugins: [lambdaPlugin(BASE)] }] })).toEqual([
      { path: 'routes[0].paths[1]', message: 'should start with: / (fixed path) or ~/ (regex path)' },
    ])
  })

  it('an invalid host is a problem, not a crash', () => {
    expect(problemsOf({ _format_version: '3.0', routes: [{ hosts: ['ok.example', 'bad host'], plugins: [lambdaPlugin(BASE)] }] })).toEqual([
      { path: 'routes[0].hosts[1]', message: 'invalid value: bad host' },
    ])
  })

  it('a lower-case method', () => {
    expect(problemsOf({ _format_version: '3.0', routes: [{ methods: ['GET', 'get'], plugins: [lambdaPlugin(BASE)] }] })).toEqual([
      { path: 'routes[0].methods[1]', message: 'invalid value: get' },
    ])
  })

  it('a route protocol other than http or https', () => {
    expect(problemsOf({ _format_version: '3.0', routes: [{ paths: ['/'], protocols: ['grpc'], plugins: [lambdaPlugin(BASE)] }] })).toEqual([
      { path: 'routes[0].protocols[0]', message: 'expected one of: http, https' },
    ])
  })

  it('two routes with the same name', () => {
    expect(
      problemsOf({
        _format_version: '3.0',
        routes: [
          { name: 'r', paths: ['/a'], plugins: [lambdaPlugin(BASE)] },
          { name: 'r', paths: ['/b'], plugins: [lambdaPlugin(BASE)] },
        ],
      }),
    ).toEqual([{ path: 'routes[1].name', message: "uniqueness violation: 'routes' entity with name set to 'r' already declared" }])
  })

  it('two routes with the same name, one nested in a service', () => {
    expect(
      problemsOf({
        _format_version: '3.0',
        services: [{ name: 's', url: UPSTREAM, plugins: [lambdaPlugin(BASE)], routes: [{ name: 'r', paths: ['/a'] }] }],
        routes: [{ name: 'r', paths: ['/b'], plugins: [lambdaPlugin(BASE)] }],
      }),
    ).toEqual([{ path: 'routes[0].name', message: "uniqueness violation: 'routes' entity with name set to 'r' already declared" }])
  })

  it('a plugin configured twice on one entity', () => {
    expect(
      problemsOf({
        _format_version: '3.0',
        routes: [{ paths: ['/'], plugins: [lambdaPlugin(BASE), lambdaPlugin({ ...BASE, function_name: 'other' })] }],
      }),
    ).toEqual([{ path: 'routes[0].plugins[1]', message: "plugin 'aws-lambda' is configured twice with the same scope (route 'routes[0]')" }])
  })

  // Kong's uniqueness constraint on (name, route) does not depend on `enabled`.
  it('a plugin configured twice on one entity, the first one disabled', () => {
    expect(
      problemsOf({
        _format_version: '3.0',
        routes: [{ paths: ['/'], plugins: [lambdaPlugin(BASE, { enabled: false }), lambdaPlugin({ ...BASE, function_name: 'other' })] }],
      }),
    ).toEqual([{ path: 'routes[0].plugins[1]', message: "plugin 'aws-lambda' is configured twice with the same scope (route 'routes[0]')" }])
  })

  it('a plugin naming a route that does not exist is that one problem, not also a twin of the global instance', () => {
    expect(
      problemsOf({
        _format_version: '3.0',
        plugins: [{ name: 'cors', route: 'nope' }, { name: 'cors' }],
        routes: [{ paths: ['/'], plugins: [lambdaPlugin(BASE)] }],
      }),
    ).toEqual([{ path: 'plugins[0].route', message: "invalid reference 'route: nope' (no such entry in 'routes')" }])
  })
})

describe('settings Kong honours and this gateway cannot are refused', () => {
  it('plugin protocols that leave out http or https', () => {
    expect(
      problemsOf({
        _format_version: '3.0',
        routes: [{ paths: ['/'], plugins: [lambdaPlugin(BASE, { protocols: ['https'] })] }],
      }),
    ).toEqual([{ path: 'routes[0].plugins[0].protocols', message: expect.stringContaining('must include http and https') }])
  })

  it('plugin protocols with both http and https are accepted', () => {
    expect(
      build({
        _format_version: '3.0',
        routes: [{ paths: ['/'], plugins: [lambdaPlugin(BASE, { protocols: ['grpc', 'grpcs', 'http', 'https'] })] }],
      }).routes,
    ).toHaveLength(1)
  })

  it('two services with the same name', () => {
    expect(
      problemsOf({
        _format_version: '3.0',
        services: [
          { name: 's', url: UPSTREAM, plugins: [lambdaPlugin(BASE)] },
          { name: 's', url: UPSTREAM, plugins: [lambdaPlugin(BASE)] },
        ],
      }),
    ).toEqual([{ path: 'services[1].name', message: "uniqueness violation: 'services' entity with name set to 's' already declared" }])
  })

  it('an explicit null for a required field', () => {
    expect(configProblems({ ...BASE, timeout: null })).toEqual([{ path: `${CONFIG}.timeout`, message: 'required field missing' }])
  })
})

describe('every problem is reported', () => {
  it('three different errors give three problems', () => {
    const problems = problemsOf({
      _format_version: '3.0',
      routes: [
        { paths: ['/a'], methods: ['get'], plugins: [lambdaPlugin({ ...BASE, unhandled_status: 99 })] },
        { paths: ['/b'], plugins: [lambdaPlugin({ ...BASE, timeout: 'slow' })] },
      ],
    })
    expect(problems).toHaveLength(3)
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'routes[0].methods[0]', message: 'invalid value: get' },
        { path: 'routes[0].plugins[0].config.unhandled_status', message: 'value should be between 100 and 999' },
        { path: 'routes[1].plugins[0].config.timeout', message: 'expected a number' },
      ]),
    )
  })

  it('the error message lists every problem with its path', () => {
    let error: unknown
    try {
      build(lambdaDoc({ ...BASE, unhandled_status: 99, log_type: 'All' }))
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toBe(
      [`${CONFIG}.log_type: expected one of: Tail, None`, `${CONFIG}.unhandled_status: value should be between 100 and 999`].join('\n'),
    )
  })
})

describe('services', () => {
  const serviceFn = lambdaPlugin({ ...BASE, function_name: 'service-fn' })
  const routeFn = lambdaPlugin({ ...BASE, function_name: 'route-fn' })

  it("a service's plugin applies to its nested routes", () => {
    const config = build({
      _format_version: '3.0',
      services: [
        {
          name: 's',
          url: 'http://upstream.invalid',
          plugins: [serviceFn],
          routes: [
            { name: 'a', paths: ['/a'] },
            { name: 'b', paths: ['/b'] },
          ],
        },
      ],
    })
    expect(config.routes.map((r) => [r.label, lambdaOf(config, r)])).toEqual([
      ['a', 'service-fn'],
      ['b', 'service-fn'],
    ])
  })

  it("a route's own aws-lambda plugin wins over the service's", () => {
    const config = build({
      _format_version: '3.0',
      services: [
        {
          name: 's',
          url: UPSTREAM,
          plugins: [serviceFn],
          routes: [
            { name: 'own', paths: ['/a'], plugins: [routeFn] },
            { name: 'inherited', paths: ['/b'] },
          ],
        },
      ],
    })
    expect(config.routes.map((r) => [r.label, lambdaOf(config, r)])).toEqual([
      ['own', 'route-fn'],
      ['inherited', 'service-fn'],
    ])
  })

  it("a route's disabled aws-lambda plugin does not hide the service's", () => {
    const config = build({
      _format_version: '3.0',
      services: [{ name: 's', url: UPSTREAM, plugins: [serviceFn], routes: [{ paths: ['/a'], plugins: [{ ...routeFn, enabled: false }] }] }],
    })
    expect(config.routes.map((r) => lambdaOf(config, r))).toEqual(['service-fn'])
  })

  it("a disabled service's routes are not served", () => {
    const config = build({
      _format_version: '3.0',
      services: [{ name: 's', url: UPSTREAM, enabled: false, plugins: [serviceFn], routes: [{ paths: ['/a'] }] }],
    })
    expect(config.routes).toEqual([])
  })

  it("a disabled service's routes are still validated", () => {
    expect(
      problemsOf({
        _format_version: '3.0',
        services: [{ name: 's', url: UPSTREAM, enabled: false, plugins: [serviceFn], routes: [{ paths: ['a'] }] }],
      }),
    ).toEqual([{ path: 'services[0].routes[0].paths[0]', message: 'should start with: / (fixed path) or ~/ (regex path)' }])
  })

  it("a top-level route naming a service inherits the service's plugin", () => {
    const config = build({
      _format_version: '3.0',
      services: [{ name: 's', url: UPSTREAM, plugins: [serviceFn] }],
      routes: [
        { name: 'top', paths: ['/'], service: 's' },
        { name: 'own', paths: ['/own'], service: 's', plugins: [routeFn] },
      ],
    })
    expect(config.routes.map((r) => [r.label, lambdaOf(config, r)])).toEqual([
      ['top', 'service-fn'],
      ['own', 'route-fn'],
    ])
  })

  it('a top-level route naming a disabled service is not served', () => {
    const config = build({
      _format_version: '3.0',
      services: [{ name: 's', url: UPSTREAM, enabled: false, plugins: [serviceFn] }],
      routes: [{ paths: ['/'], service: 's' }],
    })
    expect(config.routes).toEqual([])
  })

  // Kong's declarative format does not depend on the order of the top-level keys.
  it('a top-level route may name a service declared after the routes', () => {
    const config = build({
      _format_version: '3.0',
      routes: [{ name: 'top', paths: ['/'], service: 's' }],
      services: [{ name: 's', url: UPSTREAM, plugins: [serviceFn] }],
    })
    expect(config.routes.map((r) => lambdaOf(config, r))).toEqual(['service-fn'])
  })

  it('an unknown service name is refused', () => {
    expect(
      problemsOf({
        _format_version: '3.0',
        services: [{ name: 's', url: UPSTREAM, plugins: [serviceFn] }],
        routes: [{ paths: ['/'], service: 'nope', plugins: [routeFn] }],
      }),
    ).toEqual([{ path: 'routes[0].service', message: "invalid reference 'service: nope' (no such entry in 'services')" }])
  })
})

describe('vault references', () => {
  const refs = { aws_key: '{vault://env/my-key}', aws_secret: '{vault://env/my-secret}' }

  it('{vault://env/my-key} reads MY_KEY from the env given', () => {
    const config = plugin({ ...BASE, ...refs }, { MY_KEY: 'AKIDVAULT', MY_SECRET: 'vault-secret' })
    expect(config.aws_key).toBe('AKIDVAULT')
    expect(config.aws_secret).toBe('vault-secret')
  })

  it('upper-cases the name and turns - into _', () => {
    const config = plugin(
      { ...BASE, aws_key: '{vault://env/Lambda-Key-Id}', aws_secret: '{vault://env/lambda-secret}' },
      { LAMBDA_KEY_ID: 'AKIDMIXED', LAMBDA_SECRET: 'mixed-secret', 'lambda-secret': 'wrong' },
    )
    expect(config.aws_key).toBe('AKIDMIXED')
    expect(config.aws_secret).toBe('mixed-secret')
  })

  it('{vault://env/json-secret/key} reads a key of the JSON the variable holds', () => {
    const env = { JSON_SECRET: JSON.stringify({ key: 'AKIDJSON', secret: 'json-secret-value' }) }
    const config = plugin({ ...BASE, aws_key: '{vault://env/json-secret/key}', aws_secret: '{vault://env/json-secret/secret}' }, env)
    expect(config.aws_key).toBe('AKIDJSON')
    expect(config.aws_secret).toBe('json-secret-value')
  })

  it('does not read process.env, only the env given', () => {
    process.env.MY_KEY_FROM_PROCESS = 'from-process'
    try {
      const problems = configProblems({ ...BASE, aws_key: '{vault://env/my-key-from-process}', aws_secret: 'secret' })
      expect(problems).toEqual([{ path: `${CONFIG}.aws_key`, message: expect.stringContaining('MY_KEY_FROM_PROCESS') }])
    } finally {
      delete process.env.MY_KEY_FROM_PROCESS
    }
  })

  it('a missing variable is refused naming the field and the variable, without the secret', () => {
    const problems = configProblems({ ...BASE, ...refs }, { MY_SECRET: 'vault-secret' })
    expect(problems).toEqual([{ path: `${CONFIG}.aws_key`, message: expect.stringContaining('MY_KEY') }])
    expect(problems[0].message).toContain('not set')
    expect(JSON.stringify(problems)).not.toContain('vault-secret')
  })

  it('an empty variable counts as missing', () => {
    expect(configProblems({ ...BASE, ...refs }, { MY_KEY: '', MY_SECRET: 'vault-secret' })).toEqual([
      { path: `${CONFIG}.aws_key`, message: expect.stringContaining('MY_KEY') },
    ])
  })

  it('a missing JSON key is refused without showing the JSON', () => {
    const env = { JSON_SECRET: JSON.stringify({ other: 'OTHER-SECRET-VALUE' }) }
    const problems = configProblems({ ...BASE, aws_key: '{vault://env/json-secret/key}', aws_secret: 'secret' }, env)
    expect(problems).toEqual([{ path: `${CONFIG}.aws_key`, message: expect.stringContaining('JSON_SECRET') }])
    expect(problems[0].message).toContain("'key'")
    expect(JSON.stringify(problems)).not.toContain('OTHER-SECRET-VALUE')
  })

  it('a variable that is not JSON is refused without showing its value', () => {
    const problems = configProblems({ ...BASE, aws_key: '{vault://env/json-secret/key}', aws_secret: 'secret' }, { JSON_SECRET: 'NOT-JSON-SECRET-VALUE' })
    expect(problems).toEqual([{ path: `${CONFIG}.aws_key`, message: expect.stringContaining('JSON_SECRET') }])
    expect(JSON.stringify(problems)).not.toContain('NOT-JSON-SECRET-VALUE')
  })

  it('a vault other than env is refused as unsupported', () => {
    expect(configProblems({ ...BASE, aws_key: '{vault://aws/x}', aws_secret: 'secret' })).toEqual([
      { path: `${CONFIG}.aws_key`, message: expect.stringContaining("vault 'aws' is not supported") },
    ])
  })

  it('a malformed reference is refused', () => {
    expect(configProblems({ ...BASE, aws_key: '{vault://env}', aws_secret: 'secret' })).toEqual([
      { path: `${CONFIG}.aws_key`, message: expect.stringContaining('invalid vault reference') },
    ])
  })

  it('aws_assume_role_arn takes a reference', () => {
    const role = '{vault://env/role-arn}'
    expect(plugin({ ...BASE, aws_assume_role_arn: role }, { ROLE_ARN: 'arn:aws:iam::123456789012:role/r' }).aws_assume_role_arn).toBe(
      'arn:aws:iam::123456789012:role/r',
    )
    expect(configProblems({ ...BASE, aws_assume_role_arn: role }, { ROLE_ARN: 'not-an-arn' })).toEqual([
      { path: `${CONFIG}.aws_assume_role_arn`, message: 'the value of {vault://env/role-arn} must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)' },
    ])
    expect(configProblems({ ...BASE, aws_assume_role_arn: role })).toEqual(
      expect.arrayContaining([{ path: `${CONFIG}.aws_assume_role_arn`, message: expect.stringContaining('ROLE_ARN') }]),
    )
  })

  it('a reference in function_name fails the function-name check', () => {
    expect(configProblems({ ...BASE, function_name: '{vault://env/fn}' }, { FN: 'my-function' })).toEqual([
      { path: `${CONFIG}.function_name`, message: expect.stringContaining('function name') },
    ])
  })

  it('a reference in aws_region is not resolved', () => {
    expect(configProblems({ ...BASE, aws_region: '{vault://env/region}' }, { REGION: 'us-east-1' })).toEqual([
      { path: `${CONFIG}.aws_region`, message: 'invalid value: {vault://env/region}' },
    ])
  })
})

describe('secrets never appear in problems', () => {
  const SECRET = 'S3CR3T-VALUE'

  function expectNoSecret(document: unknown, env: Env = {}): void {
    let error: unknown
    try {
      buildGatewayConfig(document, env)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigError)
    const { problems, message } = error as ConfigError
    expect(problems.length).toBeGreaterThan(0)
    for (const problem of problems) {
      expect(problem.message).not.toContain(SECRET)
      expect(problem.path).not.toContain(SECRET)
    }
    expect(message).not.toContain(SECRET)
  }

  it('aws_secret with an aws_key of the wrong type', () => {
    expectNoSecret(lambdaDoc({ ...BASE, aws_key: 12345, aws_secret: SECRET }))
  })

  it('aws_secret with other errors in the same plugin', () => {
    expectNoSecret(lambdaDoc({ ...BASE, aws_key: '{vault://env/missing}', aws_secret: SECRET, timeout: 'x', extra: SECRET }))
  })

  it('aws_secret given without aws_key', () => {
    expectNoSecret(lambdaDoc({ ...BASE, aws_secret: SECRET }))
  })

  it('a secret from the env vault with another error', () => {
    expectNoSecret(lambdaDoc({ ...BASE, aws_key: 'AKID', aws_secret: '{vault://env/my-secret}', unhandled_status: 99 }), { MY_SECRET: SECRET })
  })
})
