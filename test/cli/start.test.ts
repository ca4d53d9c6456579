// The Node entry as a user runs it: a child process with a config file, its exit code and
// what it prints on stderr.

import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { type AddressInfo, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CHILD_PROCESS_TEST } from '../support/child-process.ts'

const ROOT = new URL('../..', import.meta.url).pathname
const WAIT_MS = 10_000

const VALID_YAML = `_format_version: "3.0"
routes:
  - name: lambda
    paths: [/lambda]
    plugins:
      - name: aws-lambda
        config:
          function_name: my-function
          aws_region: us-east-1
`

const INVALID_YAML = `_format_version: "3.0"
routes:
  - paths: [/]
    plugins:
      - name: aws-lambda
        config:
          function_name: my-function
          unhandled_status: 99
      - name: oauth2
`

const dir = mkdtempSync(join(tmpdir(), 'lambda-gateway-cli-'))

function configFile(name: string, text: string): string {
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}

/** The test runner's environment without anything that would change the gateway's behaviour. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(AWS_|NODE_OPTIONS$|PORT$|LOG_LEVEL$|CLIENT_BODY_BUFFER_SIZE$|CLIENT_MAX_BODY_SIZE$|HEALTH_PATH$)/.test(name)) continue
    env[name] = value
  }
  return { ...env, LOG_LEVEL: 'info' }
}

const children: ChildProcess[] = []

function startGateway(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(process.execPath, ['src/node.ts', ...args], { cwd: ROOT, env: { ...childEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  return child
}

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
})

interface Exit {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the entry to its end (at most WAIT_MS). */
function runGateway(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Exit> {
  const child = startGateway(args, env)
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still running after ${WAIT_MS} ms; stderr: ${stderr}`)), WAIT_MS)
    child.once('error', reject)
    child.once('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** Reads the child's stderr until a JSON log line with `msg` appears (at most WAIT_MS); `seen` gets every line. */
function waitForLog(child: ChildProcess, msg: string, seen: Record<string, unknown>[] = []): Promise<Record<string, unknown>> {
  let stderr = ''
  let pending = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${msg}' line after ${WAIT_MS} ms; stderr: ${stderr}`)), WAIT_MS)
    const done = (error: Error | null, line?: Record<string, unknown>) => {
      clearTimeout(timer)
      if (error) reject(error)
      else resolve(line as Record<string, unknown>)
    }
    child.once('error', (error) => done(error))
    child.once('exit', (code) => done(new Error(`exited with ${code} before '${msg}'; stderr: ${stderr}`)))
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
      pending += chunk
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const text of lines) {
        let line: unknown
        try {
          line = JSON.parse(text)
        } catch {
          continue
        }
        if (typeof line !== 'object' || line === null) continue
        seen.push(line as Record<string, unknown>)
        if ((line as Record<string, unknown>).msg === msg) {
          done(null, line as Record<string, unknown>)
        }
      }
    })
  })
}

describe('node src/node.ts refuses to start', CHILD_PROCESS_TEST, () => {
  it('on an invalid config, naming every field and its problem', async () => {
    const file = configFile('invalid.yaml', INVALID_YAML)
    const { code, stderr, stdout } = await runGateway(['--config', file, '--port', '0', '--host', '127.0.0.1'])
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toContain(`invalid configuration in ${file}`)
    expect(stderr).toContain('routes[0].plugins[0].config.unhandled_status: value should be between 100 and 999')
    expect(stderr).toMatch(/routes\[0\]\.plugins\[1\]\.name: plugin 'oauth2' is not supported/)
    expect(stderr).not.toContain('"msg":"listening"')
  })

  const CONFIG = 'routes[0].plugins[0].config'
  const lambdaRoute = (config: Record<string, unknown>, plugin: Record<string, unknown> = {}) =>
    JSON.stringify({
      _format_version: '3.0',
      routes: [{ paths: ['/'], plugins: [{ name: 'aws-lambda', config: { function_name: 'f', aws_region: 'us-east-1', ...config }, ...plugin }] }],
    })
  it.each([
    ['S3 unhandled_status below 100', lambdaRoute({ unhandled_status: 99 }), {}, `${CONFIG}.unhandled_status: value should be between 100 and 999`],
    [
      'S6 aws_secret without aws_key',
      lambdaRoute({ aws_secret: 'xyz' }),
      {},
      "routes[0].plugins[0]: all or none of these fields must be set: 'config.aws_key', 'config.aws_secret'",
    ],
    ['S8 an https proxy_url', lambdaRoute({ proxy_url: 'https://squid:3128' }), {}, 'routes[0].plugins[0]: proxy_url scheme must be http'],
    ['an unknown plugin field', lambdaRoute({ functon_name: 'typo' }), {}, `${CONFIG}.functon_name: unknown field`],
    ['a wrong type', lambdaRoute({ timeout: '100' }), {}, `${CONFIG}.timeout: expected a number`],
    [
      'an unknown plugin',
      JSON.stringify({ _format_version: '3.0', routes: [{ paths: ['/'], plugins: [{ name: 'oauth2' }] }] }),
      {},
      "routes[0].plugins[0].name: plugin 'oauth2' is not supported by lambda-gateway",
    ],
    ['an unknown route field', JSON.stringify({ _format_version: '3.0', routes: [{ paths: ['/'], pathz: ['/x'] }] }), {}, 'routes[0].pathz: unknown field'],
    ['an unusable AWS_REGION', lambdaRoute({ aws_region: null }), { AWS_REGION: '::1' }, 'AWS_REGION: invalid value: ::1'],
    ['an unknown LOG_LEVEL', lambdaRoute({}), { LOG_LEVEL: 'loud' }, 'LOG_LEVEL: expected one of: debug, info, warn, error'],
    [
      'a CLIENT_MAX_BODY_SIZE that is not a size',
      lambdaRoute({}),
      { CLIENT_MAX_BODY_SIZE: '6 MB' },
      'CLIENT_MAX_BODY_SIZE: expected a size in bytes, like 8192, 8k or 1m',
    ],
    ['a HEALTH_PATH that is not a path', lambdaRoute({}), { HEALTH_PATH: '__health' }, 'HEALTH_PATH: expected a path such as /__health'],
  ])('on %s (exit 1, the field named)', async (_what, text, env, message) => {
    const file = configFile(`case-${Math.random().toString(36).slice(2)}.json`, text)
    const { code, stderr } = await runGateway(['--config', file, '--port', '0', '--host', '127.0.0.1'], env)
    expect(code).toBe(1)
    expect(stderr).toContain(message)
    expect(stderr).not.toContain('"msg":"listening"')
  })

  it('on a port in use, saying so in one line', async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const { port } = taken.address() as AddressInfo
    try {
      const { code, stderr } = await runGateway(['--config', configFile('port-in-use.yaml', VALID_YAML), '--port', String(port), '--host', '127.0.0.1'])
      expect(code).toBe(1)
      expect(stderr).toContain(`lambda-gateway: cannot listen on 127.0.0.1:${port}: the port is in use\n`)
      expect(stderr).not.toContain('    at ')
    } finally {
      taken.close()
    }
  })

  it('on an unknown option', async () => {
    const file = configFile('unknown-option.yaml', VALID_YAML)
    const { code, stderr } = await runGateway(['--config', file, '--listen', '8000'])
    expect(code).toBe(1)
    expect(stderr).toMatch(/^lambda-gateway: .*--listen/)
  })

  it('on an invalid port', async () => {
    const file = configFile('bad-port.yaml', VALID_YAML)
    const { code, stderr } = await runGateway(['--config', file, '--port', '80a'])
    expect(code).toBe(1)
    expect(stderr).toContain("invalid port '80a': expected 0-65535")
  })

  it('on a file that cannot be read (a directory)', async () => {
    const file = join(dir, 'directory.yaml')
    mkdirSync(file, { recursive: true })
    const { code, stderr } = await runGateway(['--config', file, '--port', '0', '--host', '127.0.0.1'])
    expect(code).toBe(1)
    expect(stderr).toContain(`lambda-gateway: ${file}: cannot be read: it is a directory, not a file`)
    expect(stderr).not.toContain('invalid configuration')
  })

  it('on a file that does not exist: said so, not called an invalid configuration', async () => {
    const file = join(dir, 'missing.yml')
    const { code, stderr } = await runGateway(['--config', file, '--port', '0', '--host', '127.0.0.1'])
    expect(code).toBe(1)
    expect(stderr.trim()).toBe(`lambda-gateway: ${file}: cannot be read: there is no such file`)
  })

  it('on a bad setting in the environment: the variable is named, not the file', async () => {
    const file = configFile('valid-for-env.yml', VALID_YAML)
    const { code, stderr } = await runGateway(['--config', file, '--port', '0', '--host', '127.0.0.1'], { LOG_LEVEL: 'verbose' })
    expect(code).toBe(1)
    expect(stderr.trim()).toBe('lambda-gateway: invalid setting in the environment:\n  LOG_LEVEL: expected one of: debug, info, warn, error')
  })

  it('on a .txt file, even with a valid config in it', async () => {
    const file = configFile('kong.txt', VALID_YAML)
    const { code, stderr } = await runGateway(['--config', file, '--port', '0', '--host', '127.0.0.1'])
    expect(code).toBe(1)
    expect(stderr).toContain(`lambda-gateway: ${file}: expected a .yaml, .yml or .json file`)
  })

  it.each([
    ['invalid YAML', 'broken.yaml', '_format_version: "3.0"\nroutes: [\n', 'not valid YAML: line 3, column 1: '],
    [
      'YAML with a duplicate key',
      'duplicate.yaml',
      '_format_version: "3.0"\n_format_version: "3.0"\n',
      'not valid YAML: line 2, column 1: Map keys must be unique (a key is written twice in one mapping)',
    ],
    [
      'a YAML line indented too deep',
      'indent.yaml',
      '_format_version: "3.0"\nroutes:\n  - name: x\n     paths: [/a]\n',
      'not valid YAML: line 3, column 11: Nested mappings are not allowed in compact mappings (often a line indented deeper than the key before it',
    ],
    ['invalid JSON', 'broken.json', '{"_format_version": "3.0",\n "routes": [}', 'not valid JSON'],
    [
      'JSON with a trailing comma',
      'comma.json',
      '{"_format_version": "3.0",\n "routes": [],\n}',
      'not valid JSON: line 3, column 1: Expected double-quoted property name',
    ],
  ])("on %s: where and why, without the parser's codes", async (_what, name, text, message) => {
    const file = configFile(name, text)
    const { code, stderr } = await runGateway(['--config', file, '--port', '0', '--host', '127.0.0.1'])
    expect(code).toBe(1)
    expect(stderr).toContain(`lambda-gateway: ${file}: ${message}`)
    expect(stderr).not.toMatch(/\([A-Z_]+\)/)
  })

  it("on unknown fields: the known field meant, and where Kong 2's fields went", async () => {
    const file = configFile(
      'typos.yml',
      VALID_YAML.replace('aws_region: us-east-1', 'aws_regoin: us-east-1\n          proxy_scheme: https\n          proxy_url: http://127.0.0.1:3128'),
    )
    const { code, stderr } = await runGateway(['--config', file, '--port', '0', '--host', '127.0.0.1'])
    expect(code).toBe(1)
    expect(stderr).toContain("routes[0].plugins[0].config.aws_regoin: unknown field (did you mean 'aws_region'?)")
    expect(stderr).toContain("routes[0].plugins[0].config.proxy_scheme: unknown field (removed in Kong 3.0: proxy_url's scheme is used)")
  })

  // aws_secret is "never logged": a syntax error must not print the line that holds it.
  it.each([
    ['leak.yaml', VALID_YAML.replace('aws_region: us-east-1', 'aws_key: AKID\n          aws_secret: "S3CR3T-VALUE')],
    ['leak.json', '{"_format_version": "3.0", "routes": [{"plugins": [{"name": "aws-lambda", "config": {"aws_key": "AKID", "aws_secret": S3CR3T-VALUE}}]}]}'],
  ])('on a syntax error in %s, without printing the secret near it', async (name, text) => {
    const file = configFile(name, text)
    const { code, stderr } = await runGateway(['--config', file, '--port', '0', '--host', '127.0.0.1'])
    expect(code).toBe(1)
    expect(stderr).toContain('not valid')
    expect(stderr).not.toContain('S3CR3T')
  })
})

describe('node src/node.ts starts', CHILD_PROCESS_TEST, () => {
  it.each([
    ['kong.yaml', VALID_YAML],
    ['kong.yml', VALID_YAML],
    [
      'kong.json',
      JSON.stringify({
        _format_version: '3.0',
        routes: [{ paths: ['/lambda'], plugins: [{ name: 'aws-lambda', config: { function_name: 'my-function', aws_region: 'us-east-1' } }] }],
      }),
    ],
  ])('with a valid %s and logs a listening line', async (name, text) => {
    const file = configFile(name, text)
    const child = startGateway(['--config', file, '--port', '0', '--host', '127.0.0.1'])
    try {
      const line = await waitForLog(child, 'listening')
      expect(line.level).toBe('info')
      expect(line.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const url = line.url as string
      expect(url.endsWith(':0')).toBe(false)
      // The gateway answers: a path no route matches gets Kong's 404.
      const response = await fetch(`${url}/no-such-route`, { signal: AbortSignal.timeout(WAIT_MS) })
      expect(response.status).toBe(404)
      expect(await response.json()).toEqual({ message: 'no Route matched with those values', request_id: response.headers.get('x-request-id') })
      // No health check unless HEALTH_PATH asks for one: every path is the routes'.
      expect((await fetch(`${url}/__health`, { signal: AbortSignal.timeout(WAIT_MS) })).status).toBe(404)
    } finally {
      child.kill('SIGKILL')
    }
  })

  it("with a warning when HEALTH_PATH is also a route's path", async () => {
    const child = startGateway(['--config', configFile('shadowed.yaml', VALID_YAML), '--port', '0', '--host', '127.0.0.1'], { HEALTH_PATH: '/lambda/health' })
    try {
      const seen: Record<string, unknown>[] = []
      const { url } = await waitForLog(child, 'listening', seen)
      expect(seen).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          route: 'lambda',
          msg: 'HEALTH_PATH /lambda/health is also a path of this route: GET and HEAD there answer the health check, not the route',
        }),
      )
      expect((await fetch(`${url}/lambda/health`, { signal: AbortSignal.timeout(WAIT_MS) })).status).toBe(200)
    } finally {
      child.kill('SIGKILL')
    }
  })
})
