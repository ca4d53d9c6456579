// The admin listener's API (Node, Deno), after Kong's in DB-less mode
// (https://github.com/Kong/kong/blob/master/kong/api/routes/config.lua): `POST /config` serves a
// new declarative configuration once it is wholly valid, `GET /config` gives the current one
// back with its secrets redacted, `GET /status` its hash, `GET /` what this gateway is.

import { Hono } from 'hono/tiny'
import { stringify as yamlText } from 'yaml'
import { type ConfigSource, parseYamlConfig } from '../cli/config-file.ts'
import { configHash, type Reloader } from '../cli/reload.ts'
import type { Logger } from '../log.ts'
import { parseJsonConfig } from '../model/load.ts'
import { redactSecrets } from '../model/secrets.ts'
import { ConfigError, isPlainObject } from '../model/validate.ts'
import { jsonResponse } from '../pipeline/answers.ts'
import type { PluginDefinition } from '../pipeline/plugin.ts'
import { BodyTooLarge, readRequestBody } from '../pipeline/request.ts'
import { timingSafeEqual } from '../plugins/shared/timing-safe-equal.ts'
import { refusedConfigBody, unparsableConfigBody } from './config-errors.ts'

/** The largest configuration `POST /config` reads. */
const MAX_CONFIG_BYTES = 64 * 1024 * 1024

export interface AdminOptions {
  reloader: Reloader
  log: Logger
  /** ADMIN_TOKEN: required on every request when set. */
  token?: string
  /** This gateway's version and plugins, for `GET /`. */
  version: string
  plugins: readonly PluginDefinition[]
}

export function createAdminApp({ reloader, log, token, version, plugins }: AdminOptions): (request: Request) => Promise<Response> {
  const app = new Hono()
  if (token !== undefined) {
    app.use('*', async (c, next) => {
      if (!presentedToken(c.req.raw.headers, token)) {
        c.res = jsonResponse(401, { message: 'Unauthorized' })
        c.res.headers.set('www-authenticate', 'Bearer realm="lambda-gateway admin"')
        return
      }
      await next()
    })
  }
  app.get('/', () =>
    jsonResponse(200, {
      tagline: 'Welcome to lambda-gateway',
      version,
      configuration: { database: 'off', role: 'traditional' },
      plugins: {
        available_on_server: Object.fromEntries(plugins.map((plugin) => [plugin.name, { priority: plugin.priority, version }])),
        enabled_in_cluster: enabledPlugins(reloader.current.document),
      },
    }),
  )
  app.get('/status', () =>
    jsonResponse(200, {
      database: { reachable: true },
      configuration_hash: reloader.current.hash,
      configuration_reloads: { ...reloader.counts },
    }),
  )
  app.get('/config', () => jsonResponse(200, { config: yamlText(redactSecrets(reloader.current.document)) }))
  app.post('/config', async (c) => {
    const url = new URL(c.req.url)
    const flatten = ['true', '1', 'on', 'yes'].includes((url.searchParams.get('flatten_errors') ?? '').toLowerCase())
    const checkHash = url.searchParams.get('check_hash') === '1'
    let source: ConfigSource
    try {
      const read = await postedConfig(c.req.raw)
      if (read === undefined) return jsonResponse(400, { message: 'expected a declarative configuration' })
      source = read
    } catch (error) {
      if (error instanceof BodyTooLarge) return jsonResponse(413, { message: `the configuration is larger than ${MAX_CONFIG_BYTES} bytes` })
      if (!(error instanceof ConfigError)) throw error
      log.warn('POST /config refused: not a declarative configuration', { problems: error.problems.map((p) => p.message) })
      return jsonResponse(400, unparsableConfigBody(error.problems.map((p) => p.message).join('; ')))
    }
    if (checkHash && configHash(source.text) === reloader.current.hash) return new Response(null, { status: 304 })
    if (!isPlainObject(source.document)) return jsonResponse(400, unparsableConfigBody('expected an object'))
    try {
      const loaded = await reloader.apply(() => source, 'POST /config')
      return jsonResponse(201, redactSecrets(loaded.document))
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      return jsonResponse(400, refusedConfigBody(error.problems, redactSecrets(source.document), flatten))
    }
  })
  app.all('/config', () => jsonResponse(405, { message: 'Method not allowed' }))
  app.notFound(() => jsonResponse(404, { message: 'Not found' }))
  app.onError((error) => {
    log.error(`admin request failed: ${error instanceof Error ? error.message : String(error)}`)
    return jsonResponse(500, { message: 'An unexpected error occurred' })
  })
  return async (request) => app.fetch(request)
}

/** `Authorization: Bearer <token>`, or Kong's `Kong-Admin-Token: <token>`. */
function presentedToken(headers: Headers, token: string): boolean {
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.get('authorization') ?? '')?.[1]
  const presented = bearer ?? headers.get('kong-admin-token')
  return presented !== null && timingSafeEqual(presented, token)
}

/**
 * The configuration a `POST /config` carries, as Kong reads it: a JSON body that is itself the
 * configuration (it has `_format_version`), else its `config` field (JSON, form or multipart)
 * as YAML or JSON text, else the body as YAML or JSON text; undefined when there is none.
 */
async function postedConfig(request: Request): Promise<ConfigSource | undefined> {
  if (Number(request.headers.get('content-length') ?? 0) > MAX_CONFIG_BYTES) throw new BodyTooLarge(MAX_CONFIG_BYTES)
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase()
  if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
    const field = (await request.formData()).get('config')
    const text = typeof field === 'string' ? field : field ? await field.text() : ''
    return text.trim() === '' ? undefined : { text, document: parseYamlConfig(text) }
  }
  const bytes = await readRequestBody(request, undefined, MAX_CONFIG_BYTES)
  const text = bytes ? new TextDecoder().decode(bytes) : ''
  if (text.trim() === '') return undefined
  if (type === 'application/json') {
    const params = parseJsonConfig(text)
    if (isPlainObject(params) && params._format_version === undefined && typeof params.config === 'string') {
      return { text: params.config, document: parseYamlConfig(params.config) }
    }
    return { text, document: params }
  }
  return { text, document: parseYamlConfig(text) }
}

/** The names of the plugins a document configures, as Kong's `enabled_in_cluster`. */
function enabledPlugins(document: unknown): string[] {
  const names = new Set<string>()
  const visit = (value: unknown, key?: string) => {
    if (Array.isArray(value)) {
      for (const item of value) {
        if (key === 'plugins' && isPlainObject(item) && typeof item.name === 'string') names.add(item.name)
        visit(item)
      }
    } else if (isPlainObject(value)) {
      for (const [field, item] of Object.entries(value)) visit(item, field)
    }
  }
  visit(document)
  return [...names].sort()
}
