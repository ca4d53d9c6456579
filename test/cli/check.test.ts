// `npm run check -- --config FILE` as a deploy pipeline runs it: a child process, its exit code
// and output.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CHILD_PROCESS_TEST, runCheck as check } from '../support/child-process.ts'

const dir = mkdtempSync(join(tmpdir(), 'lambda-gateway-check-'))

const BAD = `_format_version: "3.0"
routes:
  - paths: [/a]
    plugins:
      - name: aws-lambda
        config:
          function_name: "not a function name"
          aws_secret: "{vault://env/missing-secret}"
          proxy_url: https://proxy.internal:3128
  - paths: [/b]
    plugins:
      - name: oauth2
`

const NODE_ONLY = `_format_version: "3.0"
routes:
  - paths: [/a]
    plugins:
      - name: aws-lambda
        config: { function_name: f, aws_region: eu-west-1, proxy_url: "http://proxy.internal:3128" }
  - paths: [/b]
    plugins:
      - name: aws-lambda
        config: { function_name: f, aws_region: eu-west-1, ssl_verify: false }
  - paths: [/c]
    plugins:
      - name: aws-lambda
        config: { function_name: f, aws_region: eu-west-1, proxy_url: "http://proxy.internal:3128", ssl_verify: false }
`

const VAULT = `_format_version: "3.0"
routes:
  - paths: [/a]
    plugins:
      - name: aws-lambda
        config: { function_name: f, aws_region: eu-west-1, aws_key: "{vault://env/gateway-key}", aws_secret: "{vault://env/gateway-secret}" }
`

describe('npm run check', CHILD_PROCESS_TEST, () => {
  it.each(['examples/demo.yml', 'examples/kong.yml'])('accepts %s: exit 0, says how many routes', (file) => {
    const { code, stdout } = check(['--config', file])
    expect(code).toBe(0)
    expect(stdout).toMatch(new RegExp(`^${file}: valid, \\d+ routes\\n$`))
  })

  it('refuses a bad config with every problem and its field path: exit 1', () => {
    const file = join(dir, 'bad.yml')
    writeFileSync(file, BAD)
    const { code, stdout, stderr } = check(['--config', file])
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toContain(`invalid configuration in ${file}:`)
    for (const problem of [
      'routes[0].plugins[0].config.function_name: must be a function name',
      'routes[0].plugins[0]: all or none of these fields must be set',
      'routes[0].plugins[0]: proxy_url scheme must be http',
      'routes[0].plugins[0].config.aws_secret: vault reference {vault://env/missing-secret}: environment variable MISSING_SECRET is not set',
      "routes[1].plugins[0].name: plugin 'oauth2' is not supported",
    ])
      expect(stderr).toContain(problem)
  })

  it('checks in the environment it runs in: a bad AWS_REGION fails, naming the variable', () => {
    const { code, stderr } = check(['--config', 'examples/kong.yml'], { AWS_REGION: 'eu west 1' })
    expect(code).toBe(1)
    expect(stderr).toContain('AWS_REGION: invalid value: eu west 1')
  })

  it('--workers checks as the Worker loads it: proxy_url and ssl_verify: false are refused there', () => {
    const file = join(dir, 'node-only.yml')
    writeFileSync(file, NODE_ONLY)
    expect(check(['--config', file])).toMatchObject({ code: 0, stdout: `${file}: valid, 3 routes\n` })
    const { code, stderr } = check(['--config', file, '--workers'])
    expect(code).toBe(1)
    const proxy = 'plugins[0].config.proxy_url: a forward proxy is not supported on this runtime (Cloudflare Workers); remove proxy_url'
    const verify = 'plugins[0].config.ssl_verify: TLS verification cannot be turned off on this runtime (Cloudflare Workers); remove ssl_verify: false'
    // Every problem of every route, one per line: a route with both has both.
    expect(stderr.split('\n').filter((line) => line.startsWith('  '))).toEqual([
      `  routes[0].${proxy}`,
      `  routes[1].${verify}`,
      `  routes[2].${proxy}`,
      `  routes[2].${verify}`,
    ])
    expect(check(['--config', 'examples/kong.yml', '--workers'])).toMatchObject({ code: 0, stdout: 'examples/kong.yml: valid for Workers, 4 routes\n' })
  })

  it("rate-limiting's policy cluster: valid with --workers (Durable Objects), refused without as DB-less Kong refuses it", () => {
    const file = join(dir, 'cluster.yml')
    writeFileSync(file, `${VAULT}plugins:\n  - name: rate-limiting\n    config: { minute: 6, policy: cluster }\n`)
    const env = { GATEWAY_KEY: 'AKIDEXAMPLE', GATEWAY_SECRET: 'secret' }
    expect(check(['--config', file, '--workers'], env)).toMatchObject({ code: 0, stdout: `${file}: valid for Workers, 1 route\n` })
    const { code, stderr } = check(['--config', file], env)
    expect(code).toBe(1)
    expect(stderr).toContain('plugins[0].config.policy: expected one of: local, redis')
  })

  it('prometheus: valid for Node and Deno (served with STATUS_LISTEN, a server setting like the port); --workers refuses it, saying why', () => {
    const file = join(dir, 'prometheus.yml')
    writeFileSync(file, `${VAULT}plugins:\n  - name: prometheus\n    config: { status_code_metrics: true }\n`)
    const env = { GATEWAY_KEY: 'AKIDEXAMPLE', GATEWAY_SECRET: 'secret' }
    expect(check(['--config', file], env)).toMatchObject({ code: 0, stdout: `${file}: valid, 1 route\n` })
    const { code, stderr } = check(['--config', file, '--workers'], env)
    expect(code).toBe(1)
    expect(stderr).toContain('plugins[0].config: not supported on Workers: an isolate cannot be scraped')
  })

  it('--print-json prints the config alone on stdout, vault references unresolved, for GATEWAY_CONFIG', () => {
    const file = join(dir, 'vault.yml')
    writeFileSync(file, VAULT)
    const { code, stdout, stderr } = check(['--config', file, '--workers', '--print-json'], {
      GATEWAY_KEY: 'AKIDEXAMPLE',
      GATEWAY_SECRET: 'never-printed-secret',
    })
    expect(code).toBe(0)
    expect(stderr).toBe(`${file}: valid for Workers, 1 route\n`)
    expect(JSON.parse(stdout)).toEqual({
      _format_version: '3.0',
      routes: [
        {
          paths: ['/a'],
          plugins: [
            {
              name: 'aws-lambda',
              config: { function_name: 'f', aws_region: 'eu-west-1', aws_key: '{vault://env/gateway-key}', aws_secret: '{vault://env/gateway-secret}' },
            },
          ],
        },
      ],
    })
  })

  it('--workers refuses snis, which Kong matches against the TLS server name a Worker is not told', () => {
    const file = join(dir, 'snis.yml')
    const plugin = 'plugins: [{ name: aws-lambda, config: { function_name: f, aws_region: us-east-1 } }]'
    writeFileSync(file, `_format_version: "3.0"\nroutes:\n  - { name: r, snis: [api.example.com], ${plugin} }\n`)
    expect(check(['--config', file])).toMatchObject({ code: 0 })
    const { code, stderr } = check(['--config', file, '--workers'])
    expect(code).toBe(1)
    expect(stderr).toContain("routes[0].snis: not supported on this runtime: it does not tell a request's TLS server name")
  })

  it('a proxied route with preserve_host is valid on Node; --workers refuses it, and tls_verify: false, naming the fields', () => {
    const file = join(dir, 'proxied.yml')
    writeFileSync(
      file,
      `_format_version: "3.0"\nservices:\n  - { name: s, url: "https://api.internal", tls_verify: false, routes: [{ name: r, paths: [/], preserve_host: true }] }\n`,
    )
    expect(check(['--config', file])).toMatchObject({ code: 0 })
    const { code, stderr } = check(['--config', file, '--workers'])
    expect(code).toBe(1)
    expect(stderr).toContain("services[0].routes[0].preserve_host: the client's Host cannot be sent")
    expect(stderr).toContain('services[0].tls_verify: TLS verification cannot be turned off')
  })

  it("checks certificates as Node parses them (Kong's words), and --workers refuses those with snis: Cloudflare terminates TLS", () => {
    const file = join(dir, 'certificates.json')
    const pem = (name: string) => readFileSync(new URL(`../support/tls/${name}`, import.meta.url), 'utf8')
    const served = { cert: pem('default.pem'), key: pem('default-key.pem'), snis: ['localhost'] }
    writeFileSync(file, JSON.stringify({ _format_version: '3.0', certificates: [served, { cert: pem('alt.pem'), key: pem('default-key.pem') }] }))
    expect(check(['--config', file]).stderr).toContain('certificates[1]: certificate does not match key')
    writeFileSync(file, JSON.stringify({ _format_version: '3.0', certificates: [served] }))
    expect(check(['--config', file])).toMatchObject({ code: 0 })
    const { code, stderr } = check(['--config', file, '--workers'])
    expect(code).toBe(1)
    expect(stderr).toContain('certificates[0]: not served on Workers: Cloudflare terminates TLS with the certificates of your zone; remove it')
  })

  it('--workers notes a vault reference whose variable is not set here, and goes on: the Worker has its own secrets', () => {
    const file = join(dir, 'vault-unset.yml')
    writeFileSync(file, VAULT)
    const { code, stdout, stderr } = check(['--config', file, '--workers', '--print-json'])
    expect(code).toBe(0)
    expect(stderr).toContain(
      'note: routes[0].plugins[0].config.aws_secret: vault reference {vault://env/gateway-secret}: environment variable GATEWAY_SECRET is not set here; the Worker needs it as a secret',
    )
    expect(JSON.parse(stdout).routes[0].plugins[0].config.aws_secret).toBe('{vault://env/gateway-secret}')
    // Without --workers the gateway would run here, with this environment: unset is a problem.
    const node = check(['--config', file])
    expect(node.code).toBe(1)
    expect(node.stderr).toContain(
      'routes[0].plugins[0].config.aws_secret: vault reference {vault://env/gateway-secret}: environment variable GATEWAY_SECRET is not set\n',
    )
  })

  it('--print-json refuses to print a literal secret, naming where it is', () => {
    const file = join(dir, 'literal.yml')
    writeFileSync(file, VAULT.replace('"{vault://env/gateway-secret}"', 'literal-secret-value'))
    const { code, stdout, stderr } = check(['--config', file, '--print-json'], { GATEWAY_KEY: 'AKIDEXAMPLE' })
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toContain('routes[0].plugins[0].config.aws_secret: --print-json does not print secrets')
    expect(stderr).not.toContain('literal-secret-value')
  })

  // Every place the declarative format takes a plugin (src/model/declarative.ts): a printer
  // that missed one would put that secret in the Worker's GATEWAY_CONFIG.
  const LAMBDA = '{ name: aws-lambda, config: { function_name: f, aws_region: eu-west-1, aws_key: AKIDEXAMPLE, aws_secret: literal-secret-value } }'
  it.each([
    ["a route's plugins", `routes:\n  - paths: [/a]\n    plugins: [${LAMBDA}]\n`, 'routes[0].plugins[0]'],
    [
      "a service's plugins",
      `services:\n  - name: s\n    url: http://upstream.invalid\n    plugins: [${LAMBDA}]\n    routes: [{ paths: [/a] }]\n`,
      'services[0].plugins[0]',
    ],
    [
      'a route nested in a service',
      `services:\n  - name: s\n    url: http://upstream.invalid\n    routes:\n      - paths: [/a]\n        plugins: [${LAMBDA}]\n`,
      'services[0].routes[0].plugins[0]',
    ],
    [
      'a top-level route naming its service',
      `services:\n  - name: s\n    url: http://upstream.invalid\nroutes:\n  - paths: [/a]\n    service: s\n    plugins: [${LAMBDA}]\n`,
      'routes[0].plugins[0]',
    ],
  ])('--workers --print-json refuses a literal aws_secret in %s', (_, entities, where) => {
    const file = join(dir, `literal-${where}.yml`)
    writeFileSync(file, `_format_version: "3.0"\n${entities}`)
    // The config is valid: only printing it is refused.
    expect(check(['--config', file, '--workers'])).toMatchObject({ code: 0 })
    const { code, stdout, stderr } = check(['--config', file, '--workers', '--print-json'])
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' })
    expect(stderr).toContain(`${where}.config.aws_secret: --print-json does not print secrets`)
    expect(stderr).not.toContain('literal-secret-value')
  })

  it('--print-json prints a secret given as a decK template as the template: the Worker renders it from its own secret', () => {
    const file = join(dir, 'template-secret.yml')
    writeFileSync(file, VAULT.replace('"{vault://env/gateway-secret}"', `'$\{{ env "DECK_AWS_SECRET" }}'`))
    const env = { GATEWAY_KEY: 'AKIDEXAMPLE', DECK_AWS_SECRET: 'never-printed-secret' }
    const { code, stdout } = check(['--config', file, '--workers', '--print-json'], env)
    expect(code).toBe(0)
    expect(stdout).not.toContain('never-printed-secret')
    expect(JSON.parse(stdout).routes[0].plugins[0].config.aws_secret).toBe(`$\{{ env "DECK_AWS_SECRET" }}`)
    // A template with text around it still carries that text: refused as a literal.
    writeFileSync(file, VAULT.replace('"{vault://env/gateway-secret}"', `'x$\{{ env "DECK_AWS_SECRET" }}'`))
    const partial = check(['--config', file, '--print-json'], env)
    expect({ code: partial.code, stdout: partial.stdout }).toEqual({ code: 1, stdout: '' })
    expect(partial.stderr).toContain('routes[0].plugins[0].config.aws_secret: --print-json does not print secrets')
  })

  it('--print-json refuses a literal credential secret too, naming where it is, never the value', () => {
    const file = join(dir, 'literal-credential.yml')
    writeFileSync(
      file,
      `${VAULT}consumers:\n  - username: app\n    keyauth_credentials:\n      - key: literal-api-key\n    basicauth_credentials:\n      - username: app\n        password: "{vault://env/app-password}"\n`,
    )
    const env = { GATEWAY_KEY: 'AKIDEXAMPLE', GATEWAY_SECRET: 'secret', APP_PASSWORD: 'pw' }
    expect(check(['--config', file], env)).toMatchObject({ code: 0 })
    const { code, stdout, stderr } = check(['--config', file, '--print-json'], env)
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' })
    expect(stderr).toContain('consumers[0].keyauth_credentials[0].key: --print-json does not print secrets')
    expect(stderr).not.toContain('literal-api-key')
    expect(stderr).not.toContain('basicauth_credentials')
  })

  it.each([[[]], [['--config']], [['--config', 'examples/kong.yml', '--port', '1']]])('refuses the command line %j: exit 1 and the usage', (args) => {
    const { code, stderr } = check(args)
    expect(code).toBe(1)
    expect(stderr).toContain('usage: npm run check -- --config FILE [--workers] [--print-json]')
  })

  it('refuses a file that does not exist', () => {
    const { code, stderr } = check(['--config', join(dir, 'missing.yml')])
    expect(code).toBe(1)
    expect(stderr).toContain('missing.yml: cannot be read: there is no such file')
  })
})
