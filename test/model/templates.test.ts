// decK's environment templates (`${{ env "DECK_NAME" }}`), rendered at load as `deck file render`
// does: only DECK_ names, an unset one named with its field, any other template refused saying so.

import { describe, expect, it } from 'vitest'
import type { Env } from '../../src/env.ts'
import { buildGatewayConfig, type GatewayConfig } from '../../src/model/declarative.ts'
import type { ConfigProblem } from '../../src/model/validate.ts'
import { UNKNOWN_CLIENT } from '../../src/pipeline/request.ts'
import type { AwsLambdaConfig } from '../../src/plugins/aws-lambda/schema.ts'
import { loadGateway } from '../../src/startup.ts'
import { configError } from '../support/expect-error.ts'

const lambda = (config: Record<string, unknown>) => ({ name: 'aws-lambda', config: { function_name: 'f', aws_region: 'us-east-1', ...config } })
const doc = (route: Record<string, unknown>, config: Record<string, unknown> = {}) => ({
  _format_version: '3.0',
  routes: [{ name: 'r', paths: ['/'], ...route, plugins: [lambda(config)] }],
})

function load(document: unknown, env: Env): GatewayConfig {
  return buildGatewayConfig(document, env)
}

function problemsOf(document: unknown, env: Env = {}): ConfigProblem[] {
  return configError(() => load(document, env)).problems
}

const configOf = (config: GatewayConfig) => config.plugins[0].config as AwsLambdaConfig

/** decK's template syntax, `${{ … }}`, built so that it is not read as this language's own. */
const template = (action: string) => `$\{{ ${action} }}`
const env = (name: string, pipe?: string) => template(`env "${name}"${pipe ? ` | ${pipe}` : ''}`)

describe('decK templates', () => {
  it('renders a variable in a value, alone or within a string', () => {
    const config = load(doc({ hosts: [env('DECK_HOST')], paths: [`/v${env('DECK_VERSION')}/orders`] }, { function_name: env('DECK_FUNCTION') }), {
      DECK_HOST: 'api.example.com',
      DECK_VERSION: '2',
      DECK_FUNCTION: 'orders-prod',
    })
    expect(config.routes[0]).toMatchObject({ hosts: ['api.example.com'], paths: ['/v2/orders'] })
    expect(configOf(config).function_name).toBe('orders-prod')
  })

  it('a value that is only a template is read as YAML reads the rendered text where the field takes a number or a boolean', () => {
    const config = load(doc({}, { timeout: env('DECK_TIMEOUT'), disable_https: env('DECK_PLAIN'), qualifier: env('DECK_QUALIFIER') }), {
      DECK_TIMEOUT: '1500',
      DECK_PLAIN: 'true',
      DECK_QUALIFIER: '7',
    })
    expect(configOf(config)).toMatchObject({ timeout: 1500, disable_https: true, qualifier: '7' })
  })

  it('a number written next to other text stays text, and fails a number field as it would in the file, naming the variable', () => {
    expect(problemsOf(doc({}, { timeout: `${env('DECK_TIMEOUT')}ms` }), { DECK_TIMEOUT: '1500' })).toEqual([
      { path: 'routes[0].plugins[0].config.timeout', message: `expected a number (rendered from ${env('DECK_TIMEOUT')})` },
    ])
  })

  it('the pipes toInt, toFloat and toBool', () => {
    const config = load(
      doc({ regex_priority: env('DECK_PRIORITY', 'toInt') }, { timeout: env('DECK_TIMEOUT', 'toFloat'), forward_request_body: env('DECK_FORWARD', 'toBool') }),
      { DECK_PRIORITY: '-3', DECK_TIMEOUT: '2.5', DECK_FORWARD: 'T' },
    )
    expect(config.routes[0].regexPriority).toBe(-3)
    expect(configOf(config)).toMatchObject({ timeout: 2.5, forward_request_body: true })
    expect(problemsOf(doc({}, { timeout: env('DECK_TIMEOUT', 'toInt') }), { DECK_TIMEOUT: 'soon' })).toEqual([
      { path: 'routes[0].plugins[0].config.timeout', message: 'error calling toInt: the value of DECK_TIMEOUT is not an integer' },
    ])
  })

  it('an unset variable is an error naming the variable and the field', () => {
    expect(problemsOf(doc({}, { function_name: env('DECK_FUNCTION') }))).toEqual([
      { path: 'routes[0].plugins[0].config.function_name', message: "environment variable 'DECK_FUNCTION' present in state file but not set" },
    ])
  })

  it('an empty variable is set (as for decK): the field gets the empty string', () => {
    expect(problemsOf(doc({}, { qualifier: env('DECK_QUALIFIER') }), { DECK_QUALIFIER: '' })).toEqual([
      { path: 'routes[0].plugins[0].config.qualifier', message: `length must be at least 1 (rendered from ${env('DECK_QUALIFIER')})` },
    ])
  })

  it('only DECK_ names, in decK words', () => {
    expect(problemsOf(doc({}, { aws_region: env('AWS_REGION') }), { AWS_REGION: 'us-east-1' })).toEqual([
      { path: 'routes[0].plugins[0].config.aws_region', message: "environment variables in the state file must be prefixed with 'DECK_', found: 'AWS_REGION'" },
    ])
  })

  it.each([
    ['.Values.region', template('.Values.region')],
    ['env "DECK_A" | indent 2', template('env "DECK_A" | indent 2')],
    ['env DECK_A', template('env DECK_A')],
  ])('a template of another form is refused, saying so: %s', (_, template) => {
    expect(problemsOf(doc({}, { function_name: template }), { DECK_A: 'a' })).toEqual([
      {
        path: 'routes[0].plugins[0].config.function_name',
        message: `unsupported template ${template}: lambda-gateway renders decK's ${env('DECK_NAME')} (optionally | toInt, | toFloat or | toBool) only`,
      },
    ])
  })

  it('a template left open is refused', () => {
    expect(problemsOf(doc({}, { function_name: env('DECK_A').slice(0, -3) }), { DECK_A: 'a' })).toEqual([
      { path: 'routes[0].plugins[0].config.function_name', message: `unsupported template: a ${template('').slice(0, 3)} without its }}` },
    ])
  })

  it("a problem at a rendered value quotes the template, never the variable's value", () => {
    const problems = problemsOf(doc({ hosts: [env('DECK_HOST')] }), { DECK_HOST: 'secret host value' })
    expect(problems).toEqual([{ path: 'routes[0].hosts[0]', message: `invalid value: ${env('DECK_HOST')}` }])
  })

  it('templates in every entity, metadata included; the document given is left as written', () => {
    const document = {
      _format_version: env('DECK_FORMAT'),
      _comment: `built by ${env('DECK_BUILD')}`,
      services: [{ name: 's', url: env('DECK_UPSTREAM'), routes: [{ paths: ['/'] }], plugins: [lambda({})] }],
      consumers: [{ username: env('DECK_USER'), keyauth_credentials: [{ key: env('DECK_KEY') }] }],
    }
    const written = structuredClone(document)
    const config = load(document, {
      DECK_FORMAT: '3.0',
      DECK_BUILD: 'ci',
      DECK_UPSTREAM: 'https://upstream.example:8443/api',
      DECK_USER: 'alice',
      DECK_KEY: 'k',
    })
    expect(config.services[0]).toMatchObject({ protocol: 'https', host: 'upstream.example', port: 8443, path: '/api' })
    expect(config.credentials.keyauth.map((k) => [k.consumer.username, k.key])).toEqual([['alice', 'k']])
    expect(document).toEqual(written)
  })
})

describe('a secret rendered from a template', () => {
  it('is never quoted by a problem found when the gateway is made (a header value no server can send)', () => {
    const secret = 'supersecret'
    const document = {
      _format_version: '3.0',
      routes: [
        {
          name: 'r',
          paths: ['/'],
          plugins: [lambda({}), { name: 'request-transformer', config: { add: { headers: [`authorization:Bearer ${env('DECK_TOKEN')}`] } } }],
        },
      ],
    }
    const environment = { DECK_TOKEN: `${secret}\x01` }
    const error = configError(() => loadGateway(document, environment, { clientInfo: () => UNKNOWN_CLIENT }, 'error'))
    const said = error.problems.map((p) => `${p.path}: ${p.message}`).join('\n')
    expect(said).toContain('add.headers[0]: the header value cannot be sent: character U+0001 at 18')
    expect(said).not.toContain(secret)
  })
})
