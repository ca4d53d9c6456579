// Kong declarative configuration (`_format_version: "3.0"`) → the routes this gateway serves and
// the plugins configured on them. Everything not understood is refused with its field path: a
// skipped auth plugin or an ignored matching rule would expose a function.

import type { Env } from '../env.ts'
import type { PluginDefinition } from '../pipeline/plugin.ts'
import { PLUGINS } from '../plugins/index.ts'
import { pluginSchema } from './entities/plugin.ts'
import { type RouteFields, routeProblems, routeSchema } from './entities/route.ts'
import { serviceSchema } from './entities/service.ts'
import type { Schema } from './schema.ts'
import { ConfigError, type ConfigProblem, isPlainObject, joinPath, validateRecord } from './validate.ts'
import { isVaultReference, resolveVaultReference, UnsetVariable } from './vault.ts'

export interface GatewayService {
  /** The service's name, else its position in the file (`services[0]`). */
  label: string
  /** Its `path` (or its url's): where its routes' requests go on (Kong: `/` when unset). */
  path?: string
}

export interface GatewayRoute {
  /** The route's name, else its position in the file (`routes[2]`): used in logs. */
  label: string
  /** Where it is in the file, for problems found later. */
  path: string
  /** As the file gives them: Kong breaks priority ties with route ids. */
  id?: string
  name?: string
  paths: string[]
  methods: string[]
  /** Undefined when not given (Kong ranks `hosts: []` apart from no hosts). */
  hosts?: string[]
  headers: Record<string, string[]>
  snis: string[]
  protocols: Array<'http' | 'https'>
  httpsRedirectStatusCode: number
  stripPath: boolean
  regexPriority: number
  pathHandling: 'v0' | 'v1'
  /** For proxying: the upstream request keeps the client's Host. */
  preserveHost: boolean
  requestBuffering: boolean
  responseBuffering: boolean
  service?: GatewayService
}

/** A configured, enabled plugin: its validated config and the entities it is scoped to (none: global). */
export interface PluginEntity {
  name: string
  config: Record<string, unknown>
  /** Where its `config` is in the file (`routes[2].plugins[0].config`), for problems found later. */
  path: string
  route?: GatewayRoute
  service?: GatewayService
}

export interface GatewayConfig {
  routes: GatewayRoute[]
  plugins: PluginEntity[]
}

const topLevelSchema = {
  _format_version: { type: 'string', required: true, oneOf: ['3.0'], doc: 'Must be "3.0".' },
  _transform: { type: 'boolean', doc: 'Ignored.', ignored: true },
  services: { type: 'array', elements: { type: 'record', fields: {}, doc: '' }, doc: 'Services with nested routes.' },
  routes: { type: 'array', elements: { type: 'record', fields: {}, doc: '' }, doc: 'Routes.' },
  plugins: { type: 'array', elements: { type: 'record', fields: {}, doc: '' }, doc: 'Global plugins, or plugins naming the route or service they apply to.' },
} as const satisfies Schema

export interface BuildOptions {
  /**
   * A vault reference whose variable is not set here is told to this instead of being a
   * problem, and left unresolved (`npm run check --workers`: the Worker has its own secrets).
   */
  unsetVariable?: (problem: ConfigProblem) => void
  /** The plugins a configuration may use (default: every plugin of this gateway). */
  registry?: readonly PluginDefinition[]
}

/**
 * Validates a parsed declarative config and resolves it into routes. Throws ConfigError
 * listing every problem.
 */
export function buildGatewayConfig(document: unknown, env: Env, options: BuildOptions = {}): GatewayConfig {
  const build: Build = { env, unsetVariable: options.unsetVariable, registry: options.registry ?? PLUGINS, problems: [], plugins: [] }
  const { problems } = build
  const routes: GatewayRoute[] = []
  const top = isPlainObject(document) ? document : undefined
  if (!top) throw new ConfigError([{ path: '', message: 'the configuration must be an object' }])
  // Nested entity lists are checked as arrays here; their items by their own schemas below.
  validateRecord(stripLists(top, ['services', 'routes', 'plugins']), topLevelSchema, '', problems)

  const servicesByName = new Map<string, ServiceEntry>()
  const routeNames = new Set<string>()
  /** Routes and services by name and by id, for the references of top-level plugins. */
  const known = { route: new Map<string, GatewayRoute>(), service: new Map<string, GatewayService>() }
  const addRoute = (raw: unknown, path: string, service: ServiceEntry | undefined, topLevel: boolean) => {
    const route = validateRecord(stripLists(raw, ['plugins']), topLevel ? routeSchema : omit(routeSchema, 'service'), path, problems)
    if (topLevel && typeof route.service === 'string') {
      service = servicesByName.get(route.service)
      if (!service) problems.push({ path: joinPath(path, 'service'), message: `no service named '${route.service}'` })
    }
    if (typeof route.name === 'string') {
      if (routeNames.has(route.name)) problems.push({ path: joinPath(path, 'name'), message: `another route is named '${route.name}'` })
      routeNames.add(route.name)
    }
    const fields = route as RouteFields
    problems.push(...routeProblems(fields, path))
    const entity: GatewayRoute = {
      label: fields.name ?? path,
      path,
      ...(fields.id === undefined ? {} : { id: fields.id }),
      ...(fields.name === undefined ? {} : { name: fields.name }),
      paths: fields.paths ?? [],
      methods: fields.methods ?? [],
      ...(fields.hosts === undefined ? {} : { hosts: fields.hosts }),
      headers: fields.headers ?? {},
      snis: fields.snis ?? [],
      protocols: fields.protocols ?? ['http', 'https'],
      httpsRedirectStatusCode: fields.https_redirect_status_code,
      stripPath: fields.strip_path,
      regexPriority: fields.regex_priority,
      pathHandling: fields.path_handling,
      preserveHost: fields.preserve_host,
      requestBuffering: fields.request_buffering,
      responseBuffering: fields.response_buffering,
      ...(service ? { service: service.entity } : {}),
    }
    collectPlugins(raw, path, { route: entity }, build)
    for (const key of [route.name, route.id]) if (typeof key === 'string') known.route.set(key, entity)
    // The routes of a disabled service are not served (Kong: as if they did not exist).
    if (service?.enabled !== false) routes.push(entity)
  }

  // Services first, so that a top-level route may name one defined further down.
  const services = (Array.isArray(top.services) ? top.services : []).map((raw, i) => {
    const path = joinPath('services', i)
    const service = validateRecord(stripLists(raw, ['routes', 'plugins']), serviceSchema, path, problems)
    const servicePath = typeof service.path === 'string' ? service.path : urlPath(service.url)
    const entry: ServiceEntry = {
      entity: { label: typeof service.name === 'string' ? service.name : path, ...(servicePath ? { path: servicePath } : {}) },
      enabled: service.enabled !== false,
    }
    collectPlugins(raw, path, { service: entry.entity }, build)
    for (const key of [service.name, service.id]) if (typeof key === 'string') known.service.set(key, entry.entity)
    if (typeof service.name === 'string') {
      if (servicesByName.has(service.name)) problems.push({ path: joinPath(path, 'name'), message: `another service is named '${service.name}'` })
      servicesByName.set(service.name, entry)
    }
    return { raw, path, entry }
  })
  // Routes in file order, which decides between equal regex priorities and prefixes.
  for (const key of Object.keys(top)) {
    if (key === 'services') {
      for (const { raw, path, entry } of services) {
        const nested = isPlainObject(raw) && Array.isArray(raw.routes) ? raw.routes : []
        nested.forEach((r, j) => {
          addRoute(r, joinPath(joinPath(path, 'routes'), j), entry, false)
        })
      }
    } else if (key === 'routes' && Array.isArray(top.routes)) {
      top.routes.forEach((raw, i) => {
        addRoute(raw, joinPath('routes', i), undefined, true)
      })
    }
  }
  collectTopLevelPlugins(top, known, build)
  if (problems.length > 0) throw new ConfigError(problems)
  // A disabled service's plugins apply to nothing.
  const served = new Set(services.filter(({ entry }) => entry.enabled).map(({ entry }) => entry.entity))
  return { routes, plugins: build.plugins.filter((p) => p.service === undefined || served.has(p.service)) }
}

interface ServiceEntry {
  entity: GatewayService
  enabled: boolean
}

/** What building collects as it goes. */
interface Build extends BuildOptions {
  env: Env
  registry: readonly PluginDefinition[]
  problems: ConfigProblem[]
  plugins: PluginEntity[]
}

type Scope = Pick<PluginEntity, 'route' | 'service'>

/**
 * The top-level `plugins`: each applies to the route and the service it names (by name or id),
 * or, naming neither, to every route (a global plugin).
 */
function collectTopLevelPlugins(
  top: Record<string, unknown>,
  known: { route: Map<string, GatewayRoute>; service: Map<string, GatewayService> },
  build: Build,
): void {
  if (!Array.isArray(top.plugins)) return
  top.plugins.forEach((raw, i) => {
    const path = joinPath('plugins', i)
    const scope: Scope = {}
    const { route, service, ...entry }: Record<string, unknown> = isPlainObject(raw) ? raw : {}
    const refs: Record<string, unknown> = { route, service }
    for (const kind of ['route', 'service'] as const) {
      const value = refs[kind]
      if (value === undefined || value === null) continue
      const key = typeof value === 'string' ? value : isPlainObject(value) ? (value.name ?? value.id) : undefined
      const entity = typeof key === 'string' ? known[kind].get(key) : undefined
      if (entity === undefined)
        build.problems.push({ path: joinPath(path, kind), message: typeof key === 'string' ? `no ${kind} named '${key}'` : `expected a ${kind} name or id` })
      else if (kind === 'route') scope.route = entity as GatewayRoute
      else scope.service = entity as GatewayService
    }
    collectPlugin(isPlainObject(raw) ? entry : raw, path, scope, new Set(), build)
  })
}

/** Validates an entity's `plugins` list; the enabled ones join `build.plugins`, scoped to the entity. */
function collectPlugins(entity: unknown, path: string, scope: Scope, build: Build): void {
  const seen = new Set<string>()
  const list = isPlainObject(entity) && Array.isArray(entity.plugins) ? entity.plugins : []
  list.forEach((raw, i) => {
    collectPlugin(raw, joinPath(joinPath(path, 'plugins'), i), scope, seen, build)
  })
}

/** One plugin entry; `seen` holds the names already configured on the same entity. */
function collectPlugin(raw: unknown, pluginPath: string, scope: Scope, seen: Set<string>, build: Build): void {
  const { problems } = build
  {
    const name = isPlainObject(raw) ? raw.name : undefined
    const definition = build.registry.find((p) => p.name === name)
    if (typeof name === 'string' && !definition) {
      const supported = build.registry.map((p) => `'${p.name}'`).join(', ')
      problems.push({
        path: joinPath(pluginPath, 'name'),
        message: `plugin '${name}' is not supported by lambda-gateway (it supports ${supported}); refusing to start rather than serve routes without it`,
      })
      return
    }
    const before = problems.length
    const plugin = validateRecord(stripConfig(raw), pluginSchema, pluginPath, problems)
    if (typeof name === 'string') {
      if (seen.has(name)) problems.push({ path: pluginPath, message: `plugin '${name}' is configured twice on the same entity` })
      seen.add(name)
    }
    const protocols = plugin.protocols as string[] | undefined
    if (protocols && !(protocols.includes('http') && protocols.includes('https'))) {
      problems.push({
        path: joinPath(pluginPath, 'protocols'),
        message: 'must include http and https: lambda-gateway cannot run a plugin for some protocols only',
      })
    }
    if (!definition) return
    const configPath = joinPath(pluginPath, 'config')
    const rawConfig = isPlainObject(raw) ? raw.config : undefined
    const config = rawConfig === undefined || rawConfig === null ? undefined : validateRecord(rawConfig, definition.schema, configPath, problems)
    if (config) {
      for (const message of definition.check?.(config as never) ?? []) problems.push({ path: pluginPath, message })
      resolveReferences(config, definition, configPath, build)
    }
    if (plugin.enabled === false || !config || problems.length > before) return
    build.plugins.push({ name: definition.name, config, path: configPath, ...scope })
  }
}

function resolveReferences(config: Record<string, unknown>, definition: PluginDefinition, path: string, build: Build): void {
  for (const [key, spec] of Object.entries(definition.schema)) {
    const value = config[key]
    if (!('referenceable' in spec) || typeof value !== 'string' || !isVaultReference(value)) continue
    try {
      const resolved = resolveVaultReference(value, build.env)
      // The secret's format is checked too; the message never quotes it.
      const problem = 'check' in spec ? spec.check?.(resolved as never) : undefined
      if (problem) build.problems.push({ path: joinPath(path, key), message: `the value of ${value} ${problem}` })
      else config[key] = resolved
    } catch (error) {
      const problem = { path: joinPath(path, key), message: (error as Error).message }
      if (error instanceof UnsetVariable && build.unsetVariable) build.unsetVariable(problem)
      else build.problems.push(problem)
    }
  }
}

/** A plugin entry with its `config` checked apart, against the plugin's own schema. */
function stripConfig(raw: unknown): unknown {
  if (!isPlainObject(raw) || raw.config === undefined || raw.config === null) return raw
  return { ...raw, config: {} }
}

/** A copy of `raw` without the nested lists, which are validated by their own schemas. */
function stripLists(raw: unknown, keys: string[]): unknown {
  if (!isPlainObject(raw)) return raw
  const copy = { ...raw }
  for (const key of keys) {
    if (copy[key] !== undefined && copy[key] !== null && !Array.isArray(copy[key])) continue
    delete copy[key]
  }
  return copy
}

/** The path of a service's `url` (Kong's shorthand), if it has one. */
function urlPath(url: unknown): string | undefined {
  const path = typeof url === 'string' ? /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/.exec(url)?.[1] : undefined
  return path === '' ? undefined : path
}

function omit(schema: Schema, key: string): Schema {
  const { [key]: _removed, ...rest } = schema
  return rest
}
