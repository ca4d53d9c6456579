// Changing the configuration of a running Node or Deno gateway: SIGHUP and the admin
// listener's POST /config (Kong's DB-less /config, spec/02-integration/04-admin_api/15-off_spec.lua),
// with the same cases on both runtimes (test/cli/reload.test.ts, test/deno/reload.test.ts).
// Only web APIs, node:fs and node:http, which Deno has too.

import { deepStrictEqual, ok } from 'node:assert/strict'
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RunningServer } from '../../src/cli/start.ts'

export interface ReloadRuntime {
  start(argv: string[], env: Record<string, string>): Promise<RunningServer | null>
  /** Sends this process SIGHUP. */
  hangUp(): void
}

export interface ReloadCase {
  name: string
  run(runtime: ReloadRuntime): Promise<void>
}

const TOKEN = 'admin-token-of-the-tests-0123456789'

const terminate = (message: string, status = 200) => [{ name: 'request-termination', config: { status_code: status, message } }]

/** Version `v` of a configuration: `/stable` tells the version, `/v<v>` exists in this version only. */
function version(v: number, extra: Record<string, unknown>[] = []) {
  return {
    _format_version: '3.0',
    routes: [
      { name: 'stable', paths: ['/stable'], plugins: terminate(`v${v}`) },
      { name: `only-${v}`, paths: [`/v${v}`], plugins: terminate(`only v${v}`) },
      ...extra,
    ],
  }
}

/** Invalid in a way only the whole load finds: the file parses, a plugin's config does not validate. */
const INVALID = { _format_version: '3.0', routes: [{ name: 'stable', paths: ['/stable'], plugins: terminate('never', 99) }] }

async function started(runtime: ReloadRuntime, document: unknown, env: Record<string, string> = {}, argv: string[] = []) {
  const file = join(mkdtempSync(join(tmpdir(), 'lambda-gateway-reload-')), 'kong.json')
  writeFileSync(file, JSON.stringify(document))
  const server = await runtime.start(['--config', file, '--port', '0', '--host', '127.0.0.1', ...argv], {
    LOG_LEVEL: 'error',
    ADMIN_LISTEN: '127.0.0.1:0',
    ...env,
  })
  if (!server?.adminUrl) throw new Error('the gateway did not start')
  const admin = (path: string, init: RequestInit = {}) => fetch(`${server.adminUrl}${path}`, init)
  const status = async () =>
    (await (await admin('/status')).json()) as { configuration_hash: string; configuration_reloads: { reloads: number; failures: number } }
  return {
    server,
    file,
    admin,
    status,
    write: (document: unknown) => writeFileSync(file, JSON.stringify(document)),
    /** The message a route's request-termination answers, with the status. */
    async get(path: string) {
      const response = await fetch(`${server.url}${path}`)
      const text = await response.text()
      return { status: response.status, message: response.status === 200 ? (JSON.parse(text) as { message: string }).message : text }
    },
    post: (document: unknown, query = '') =>
      admin(`/config${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(document) }),
  }
}

type Gateway = Awaited<ReturnType<typeof started>>

/** After SIGHUP, waits until the reload is applied or refused. */
async function hangUpAndWait(runtime: ReloadRuntime, gateway: Gateway): Promise<void> {
  const before = (await gateway.status()).configuration_reloads
  runtime.hangUp()
  for (let i = 0; i < 500; i++) {
    const now = (await gateway.status()).configuration_reloads
    if (now.reloads + now.failures > before.reloads + before.failures) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('SIGHUP reloaded nothing')
}

export const RELOAD_CASES: ReloadCase[] = [
  {
    name: '50 reloads (SIGHUP and POST /config, valid and invalid alternating) under load: no request fails or goes to a configuration not applied',
    async run(runtime) {
      const gateway = await started(runtime, version(0))
      const problems: string[] = []
      let applied = 0
      let stop = false
      // Four clients asking all the time: each answer is a version already applied, never older than the one before.
      const clients = Array.from({ length: 4 }, async () => {
        let seen = 0
        let answers = 0
        while (!stop || answers === 0) {
          const ceiling = applied
          const { status, message } = await gateway.get('/stable')
          answers++
          const v = Number(message.slice(1))
          if (status !== 200 || Number.isNaN(v)) problems.push(`${status} ${message}`)
          // The reload under way may have been applied (valid versions are odd: the next is two on).
          else if (v < seen || v > ceiling + 2) problems.push(`v${v} after v${seen} (applied: v${ceiling})`)
          else seen = v
        }
        return answers
      })
      try {
        for (let i = 1; i <= 50; i++) {
          const valid = i % 2 === 1
          const next = valid ? version(i) : INVALID
          if (i % 4 < 2) {
            gateway.write(next)
            await hangUpAndWait(runtime, gateway)
          } else {
            const response = await gateway.post(next)
            deepStrictEqual(response.status, valid ? 201 : 400)
            await response.body?.cancel()
          }
          if (!valid) continue
          applied = i
          // The new configuration's routes, and only they, are served from now on.
          deepStrictEqual(await gateway.get(`/v${i}`), { status: 200, message: `only v${i}` })
          deepStrictEqual((await gateway.get(`/v${i - 2}`)).status, 404)
        }
        deepStrictEqual((await gateway.status()).configuration_reloads, { reloads: 25, failures: 25 })
      } finally {
        stop = true
        const answered = await Promise.all(clients)
        await gateway.server.close()
        ok(answered.every((count) => count > 0))
      }
      deepStrictEqual(problems, [])
    },
  },
  {
    name: 'a request in flight when the configuration changes finishes on the route it started on',
    async run(runtime) {
      let hold: ServerResponse | undefined
      let arrived: () => void = () => {}
      const arrival = new Promise<void>((resolve) => {
        arrived = resolve
      })
      const upstream = createServer((_request, response) => {
        hold = response
        arrived()
      })
      await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
      const port = (upstream.address() as AddressInfo).port
      const slow = { name: 'slow', paths: ['/slow'], service: 'held' }
      const before = { ...version(1, [slow]), services: [{ name: 'held', url: `http://127.0.0.1:${port}/old` }] }
      const gateway = await started(runtime, before)
      try {
        const inFlight = fetch(`${gateway.server.url}/slow`)
        await arrival
        const response = await gateway.post(version(2, [{ name: 'slow', paths: ['/slow'], plugins: terminate('new route') }]))
        deepStrictEqual(response.status, 201)
        await response.body?.cancel()
        hold?.end('answered by the old route')
        const old = await inFlight
        deepStrictEqual([old.status, await old.text()], [200, 'answered by the old route'])
        deepStrictEqual(await gateway.get('/slow'), { status: 200, message: 'new route' })
      } finally {
        await gateway.server.close()
        upstream.close()
      }
    },
  },
  {
    name: 'a reload keeps the `local` rate-limit counters: reloading never lets a client past its limit',
    async run(runtime) {
      const limited = { name: 'limited', paths: ['/limited'], plugins: [...terminate('ok'), { name: 'rate-limiting', config: { hour: 2 } }] }
      const gateway = await started(runtime, version(1, [limited]))
      try {
        deepStrictEqual([(await gateway.get('/limited')).status, (await gateway.get('/limited')).status], [200, 200])
        gateway.write(version(2, [limited]))
        await hangUpAndWait(runtime, gateway)
        deepStrictEqual(await gateway.get('/v2'), { status: 200, message: 'only v2' })
        deepStrictEqual((await gateway.get('/limited')).status, 429)
      } finally {
        await gateway.server.close()
      }
    },
  },
  {
    name: 'a file that is invalid, does not parse or is gone changes nothing on SIGHUP; /status and the status listener count the refusals',
    async run(runtime) {
      const gateway = await started(runtime, version(1), { STATUS_LISTEN: '127.0.0.1:0' })
      try {
        const { configuration_hash: hash } = await gateway.status()
        gateway.write(INVALID)
        await hangUpAndWait(runtime, gateway)
        writeFileSync(gateway.file, '{ not json')
        await hangUpAndWait(runtime, gateway)
        rmSync(gateway.file)
        await hangUpAndWait(runtime, gateway)
        deepStrictEqual(await gateway.get('/stable'), { status: 200, message: 'v1' })
        deepStrictEqual(await gateway.status(), {
          database: { reachable: true },
          configuration_hash: hash,
          configuration_reloads: { reloads: 0, failures: 3 },
        } as unknown)
        const metrics = await (await fetch(`${gateway.server.statusUrl}/metrics`)).text()
        ok(metrics.includes('lambda_gateway_config_reloads_total{outcome="refused"} 3'), metrics)
      } finally {
        await gateway.server.close()
      }
    },
  },
  {
    name: '--watch reloads the file when it changes, also when an editor replaces it',
    async run(runtime) {
      const gateway = await started(runtime, version(1), {}, ['--watch'])
      const served = async (message: string) => {
        for (let i = 0; i < 500 && (await gateway.get('/stable')).message !== message; i++) await new Promise((resolve) => setTimeout(resolve, 10))
        deepStrictEqual(await gateway.get('/stable'), { status: 200, message })
      }
      try {
        gateway.write(version(2))
        await served('v2')
        // Written beside it, then renamed over it, as editors save.
        writeFileSync(`${gateway.file}.tmp`, JSON.stringify(version(3)))
        renameSync(`${gateway.file}.tmp`, gateway.file)
        await served('v3')
      } finally {
        await gateway.server.close()
      }
    },
  },
  {
    name: 'POST /config takes the configuration as Kong does: a JSON body, YAML, a JSON or YAML string under `config`, form and multipart fields',
    async run(runtime) {
      const gateway = await started(runtime, version(0))
      const yaml = (v: number) =>
        `_format_version: "3.0"\nroutes:\n  - name: stable\n    paths: [/stable]\n    plugins:\n      - name: request-termination\n        config: { status_code: 200, message: v${v} }\n`
      const form = (v: number) => {
        const data = new FormData()
        data.set('config', yaml(v))
        return data
      }
      const bodies: Array<[number, RequestInit]> = [
        [1, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(version(1)) }],
        [2, { headers: { 'content-type': 'application/yaml' }, body: yaml(2) }],
        [3, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ config: JSON.stringify(version(3)) }) }],
        [4, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ config: yaml(4) }) }],
        [5, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ config: yaml(5) }).toString() }],
        [6, { body: form(6) }],
      ]
      try {
        for (const [v, init] of bodies) {
          const response = await gateway.admin('/config', { method: 'POST', ...init })
          deepStrictEqual(response.status, 201, `v${v}`)
          await response.body?.cancel()
          deepStrictEqual(await gateway.get('/stable'), { status: 200, message: `v${v}` })
        }
      } finally {
        await gateway.server.close()
      }
    },
  },
  {
    name: "POST /config refuses in Kong's words and changes nothing: no input, not a configuration, a validation error, flattened errors",
    async run(runtime) {
      const gateway = await started(runtime, version(1))
      const refused = async (init: RequestInit, query = '') => {
        const response = await gateway.admin(`/config${query}`, { method: 'POST', ...init })
        return [response.status, await response.json()]
      }
      const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      try {
        const { configuration_hash: hash } = await gateway.status()
        deepStrictEqual(await refused({}), [400, { message: 'expected a declarative configuration' }])
        deepStrictEqual(await refused(json({ config: 'bobby tables' })), [
          400,
          {
            code: 14,
            fields: { error: 'failed parsing declarative configuration: expected an object' },
            message: 'declarative config is invalid: {error="failed parsing declarative configuration: expected an object"}',
            name: 'invalid declarative configuration',
          },
        ])
        deepStrictEqual(await refused(json({ config: '_format_version: "3.0"\nservices:\n- port: -12\n' })), [
          400,
          {
            code: 14,
            fields: { services: [{ host: 'required field missing', port: 'value should be between 0 and 65535' }] },
            message: 'declarative config is invalid: {services={{host="required field missing",port="value should be between 0 and 65535"}}}',
            name: 'invalid declarative configuration',
          },
        ])
        const upstream = { name: 'bad', tags: ['upstream-01'], hash_on: 'ip', healthchecks: { active: { concurrency: -1 } }, host_header: 123 }
        const [status, flattened] = await refused(json({ _format_version: '3.0', upstreams: [upstream] }), '?flatten_errors=1')
        deepStrictEqual(status, 400)
        deepStrictEqual((flattened as { flattened_errors: unknown }).flattened_errors, [
          {
            entity_type: 'upstream',
            entity: upstream,
            entity_name: 'bad',
            entity_tags: ['upstream-01'],
            errors: [
              { field: 'healthchecks.active.concurrency', message: 'value should be between 1 and 2147483648', type: 'field' },
              { field: 'host_header', message: 'expected a string', type: 'field' },
            ],
          },
        ])
        deepStrictEqual((await gateway.status()).configuration_hash, hash)
        deepStrictEqual(await gateway.get('/stable'), { status: 200, message: 'v1' })
      } finally {
        await gateway.server.close()
      }
    },
  },
  {
    name: 'POST /config?check_hash=1 with the configuration already served answers 304; GET /config gives it back with its secrets redacted',
    async run(runtime) {
      const gateway = await started(runtime, version(1))
      const withSecret = {
        ...version(2),
        consumers: [{ username: 'bobo', keyauth_credentials: [{ key: 'the-consumers-secret-key' }] }],
        plugins: [
          {
            name: 'http-log',
            config: { http_endpoint: 'http://collector:the-collectors-password@127.0.0.1:9/logs', headers: { 'x-collector-token': 'the-collectors-token' } },
          },
        ],
      }
      try {
        const first = await gateway.post(withSecret, '?check_hash=1')
        deepStrictEqual(first.status, 201)
        const created = await first.text()
        for (const secret of ['the-consumers-secret-key', 'the-collectors-password', 'the-collectors-token']) ok(!created.includes(secret), secret)
        const again = await gateway.post(withSecret, '?check_hash=1')
        deepStrictEqual(again.status, 304)
        const { config } = (await (await gateway.admin('/config')).json()) as { config: string }
        ok(config.includes('username: bobo') && config.includes('key: <redacted>'), config)
        ok(config.includes('http://collector:<redacted>@127.0.0.1:9/logs'), config)
        for (const secret of ['the-consumers-secret-key', 'the-collectors-password', 'the-collectors-token']) ok(!config.includes(secret), secret)
      } finally {
        await gateway.server.close()
      }
    },
  },
  {
    name: 'with ADMIN_TOKEN every admin request needs it (401 without, or with another); without one the admin listener must be on loopback',
    async run(runtime) {
      const file = join(mkdtempSync(join(tmpdir(), 'lambda-gateway-reload-')), 'kong.json')
      writeFileSync(file, JSON.stringify(version(1)))
      deepStrictEqual(await runtime.start(['--config', file, '--port', '0', '--host', '127.0.0.1'], { ADMIN_LISTEN: '0.0.0.0:0' }), null)
      const gateway = await started(runtime, version(1), { ADMIN_LISTEN: '0.0.0.0:0', ADMIN_TOKEN: TOKEN })
      try {
        const statusWith = async (headers: Record<string, string>) => {
          const response = await gateway.admin('/status', { headers })
          await response.body?.cancel()
          return response.status
        }
        deepStrictEqual(
          [
            await statusWith({}),
            await statusWith({ authorization: `Bearer ${TOKEN}x` }),
            await statusWith({ authorization: `Bearer ${TOKEN}` }),
            await statusWith({ 'kong-admin-token': TOKEN }),
          ],
          [401, 401, 200, 200],
        )
      } finally {
        await gateway.server.close()
      }
    },
  },
]
