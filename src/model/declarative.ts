// Kong declarative configuration (a kong.yml as Kong 3.x DB-less loads it, or a decK file) →
// what this gateway serves: the routes, the plugins with their scopes, the services, and the
// consumers with their groups and credentials. Every entity of the format is read and checked
// with Kong's rules and words; what the gateway cannot act on is refused naming the entity and
// why, never skipped: a skipped auth plugin or an ignored matching rule would expose a function.
//
// The steps, in Kong's order: decK's templates rendered; the file's own keys read; a 1.1 or 2.1
// file migrated; the entities flattened (nested and top-level forms are one); ids, uniqueness
// and references resolved; then the model built, entity by entity.

import type { Env } from '../env.ts'
import type { PluginDefinition } from '../pipeline/plugin.ts'
import { PLUGINS } from '../plugins/index.ts'
import { buildCertificates, type CertificateModel, serviceTls } from './certificates.ts'
import type { ConfigWarning, GatewayConfig, GatewayRoute, GatewayService } from './config.ts'
import { buildConsumers } from './consumers.ts'
import { type RouteFields, routeProblems } from './entities/route.ts'
import { checkService, expandServiceUrl, type ServiceFields } from './entities/service.ts'
import { applyUpstreamShorthands } from './entities/upstream.ts'
import { envVaultConfigSchema } from './entities/vault.ts'
import { type Entry, flattenEntities } from './flatten.ts'
import { documentSchema, migrateRoutePaths } from './format.ts'
import { type EntityKind, isKindName, KINDS, type KindName, OTHER_KONG_ENTITIES } from './kinds.ts'
import { buildPlugins } from './plugin-entries.ts'
import { type References, resolveReferences } from './references.ts'
import { readRenderedScalar, renderTemplates, templateProblems } from './templates.ts'
import { buildUpstreams } from './upstreams.ts'
import { ConfigError, type ConfigProblem, isPlainObject, joinPath, type ScalarReader, unknownField, validateRecord } from './validate.ts'
import type { EnvVaults, ReferenceContext } from './vault.ts'

export type {
  BasicauthCredential,
  ConfigWarning,
  GatewayCaCertificate,
  GatewayCertificate,
  GatewayConfig,
  GatewayConsumer,
  GatewayConsumerGroup,
  GatewayCredential,
  GatewayRoute,
  GatewayService,
  GatewayTarget,
  GatewayUpstream,
  HmacauthCredential,
  JwtSecret,
  KeyauthCredential,
  PluginEntity,
} from './config.ts'

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
 * Validates a parsed declarative config and resolves it into what the gateway serves. Throws
 * ConfigError listing every problem.
 */
export function buildGatewayConfig(document: unknown, env: Env, options: BuildOptions = {}): GatewayConfig {
  if (!isPlainObject(document)) throw new ConfigError([{ path: '', message: 'the configuration must be an object' }])
  const problems: ConfigProblem[] = []
  const { document: rendered, rendered: templates } = renderTemplates(document, env, problems)
  const read: ScalarReader = (text, path, type) => (templates.whole.has(path) ? readRenderedScalar(text, type) : text)
  let top = rendered as Record<string, unknown>
  const meta = readDocumentKeys(top, problems, read)
  const warnings: ConfigWarning[] = []
  const version = meta._format_version
  if (version === '1.1' || version === '2.1') {
    const { document: migrated, migrated: paths } = migrateRoutePaths(top)
    top = migrated
    warnings.push({
      message: `_format_version "${version}" read as Kong 3 reads it: ${paths.length} route path${paths.length === 1 ? '' : 's'} migrated (a path that is not a plain prefix becomes a regex path, marked "~"; a prefix is normalised)`,
      ...(paths.length > 0 ? { fields: { paths: paths.map((p) => `${p.path}: ${p.from} → ${p.to}`) } } : {}),
    })
  }
  const defaults = readDefaults(meta._info, problems, read)
  const entries = flattenEntities(top, problems, {
    read,
    prepare: (kind, raw, path) => withDefaults(prepareEntity(kind.name, raw, path, problems), defaults.get(kind.name)),
  })
  const refs = resolveReferences(entries, problems)
  const context: ReferenceContext = { env, vaults: envVaults(entries, problems), problems, unsetVariable: options.unsetVariable }
  refuseUnsupported(entries, problems)

  const certificates = buildCertificates(entries, refs, context)
  const services = buildServices(entries, refs, certificates, problems)
  const upstreams = buildUpstreams(entries, refs, problems)
  const routes = new Map<Entry, GatewayRoute>()
  for (const entry of entries) {
    if (entry.kind.name === 'routes') routes.set(entry, gatewayRoute(entry, services.get(refs.target(entry, 'service') as Entry), problems))
  }
  const { consumers, groups, credentials } = buildConsumers(entries, refs, context, meta._transform === false)
  const plugins = buildPlugins(entries, refs, { routes, services, consumers, groups }, options.registry ?? PLUGINS, context, read)
  if (problems.length > 0) throw new ConfigError(templateProblems(problems, templates))

  // The routes of a disabled service are not served (Kong: as if they did not exist), and its plugins apply to nothing.
  const served = (service: GatewayService | undefined) => service === undefined || service.enabled
  return {
    routes: [...routes.values()].filter((route) => served(route.service)),
    plugins: plugins.filter((plugin) => served(plugin.service)),
    services: [...services.values()],
    upstreams,
    consumers: [...consumers.values()],
    consumerGroups: [...groups.values()],
    certificates: [...certificates.certificates.values()],
    caCertificates: [...certificates.caCertificates.values()],
    credentials,
    warnings,
  }
}

/** The file's own keys (`_format_version`, decK's `_info` …); any other key must be a list of entities. */
function readDocumentKeys(top: Record<string, unknown>, problems: ConfigProblem[], read: ScalarReader) {
  const own: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(top)) {
    if (Object.hasOwn(documentSchema, key)) own[key] = value
    else if (isKindName(key)) continue
    else if (OTHER_KONG_ENTITIES[key] !== undefined) {
      if (Array.isArray(value) && value.length > 0) problems.push({ path: key, message: `${key} are not supported: ${OTHER_KONG_ENTITIES[key]}` })
    } else problems.push({ path: key, message: unknownField(key, [...Object.keys(documentSchema), ...Object.keys(KINDS)]) })
  }
  return validateRecord(own, documentSchema, '', problems, read) as { _format_version?: string; _transform: boolean; _info?: { defaults?: unknown } }
}

/** decK's `_info.defaults`: per kind, the field values an entity takes where it has none. */
const DEFAULTS: Readonly<Record<string, KindName>> = { service: 'services', route: 'routes', upstream: 'upstreams', target: 'targets' }

function readDefaults(info: { defaults?: unknown } | undefined, problems: ConfigProblem[], read: ScalarReader): Map<KindName, Record<string, unknown>> {
  const defaults = new Map<KindName, Record<string, unknown>>()
  if (!isPlainObject(info?.defaults)) return defaults
  for (const [key, values] of Object.entries(info.defaults)) {
    const path = joinPath('_info.defaults', key)
    const kind = DEFAULTS[key]
    if (!isPlainObject(values)) {
      if (values !== null) problems.push({ path, message: 'expected a record' })
      continue
    }
    const { schema } = KINDS[kind]
    const known = Object.entries(values).filter(([field, value]) => {
      const ok = Object.hasOwn(schema, field) && field !== 'id' && field !== 'name'
      if (!ok) problems.push({ path: joinPath(path, field), message: unknownField(field, Object.keys(schema)) })
      return ok && value !== null
    })
    // Checked here, so that a bad default is told once, where it is written, and never applied.
    const fields = Object.fromEntries(known.map(([field]) => [field, schema[field]]))
    defaults.set(kind, validateRecord(Object.fromEntries(known), fields, path, problems, read))
  }
  return defaults
}

/** An entity as written, made ready for its schema: a service's `url` expanded, an upstream's shorthands applied. */
function prepareEntity(kind: KindName, raw: Record<string, unknown>, path: string, problems: ConfigProblem[]): Record<string, unknown> {
  if (kind === 'services') return expandServiceUrl(raw, path, problems)
  return kind === 'upstreams' ? applyUpstreamShorthands(raw) : raw
}

function withDefaults(raw: Record<string, unknown>, defaults: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!defaults) return raw
  const filled = { ...raw }
  for (const [field, value] of Object.entries(defaults)) if (filled[field] === undefined || filled[field] === null) filled[field] = value
  return filled
}

/** The file's env vaults, by prefix; other vault kinds are refused by name. */
function envVaults(entries: readonly Entry[], problems: ConfigProblem[]): EnvVaults {
  const vaults = new Map<string, string>()
  for (const { kind, fields, path } of entries) {
    if (kind.name !== 'vaults' || typeof fields.prefix !== 'string') continue
    if (fields.name !== 'env') {
      problems.push({ path: joinPath(path, 'name'), message: `vault '${fields.name}' is not supported: lambda-gateway has Kong's env vault only` })
      continue
    }
    const config = validateRecord(fields.config ?? {}, envVaultConfigSchema, joinPath(path, 'config'), problems) as { prefix?: string }
    vaults.set(fields.prefix, config.prefix ?? '')
  }
  return vaults
}

/** The entities lambda-gateway cannot act on yet, each named with why (not those written inside one already refused). */
function refuseUnsupported(entries: readonly Entry[], problems: ConfigProblem[]): void {
  const refused = (kind: EntityKind) => kind.refused !== undefined
  for (const { kind, path, parent } of entries) {
    if (refused(kind) && !(parent && refused(parent.entry.kind))) problems.push({ path, message: `${kind.name} are not supported: ${kind.refused}` })
  }
}

function buildServices(entries: readonly Entry[], refs: References, certificates: CertificateModel, problems: ConfigProblem[]): Map<Entry, GatewayService> {
  const services = new Map<Entry, GatewayService>()
  for (const entry of entries) {
    if (entry.kind.name !== 'services') continue
    const { id: _id, tags, created_at: _c, updated_at: _u, _comment, _ignore, ...fields } = entry.fields as ServiceFields
    const certificate = refs.target(entry, 'client_certificate')
    if (entry.valid) checkService(entry.fields as ServiceFields, certificate !== undefined, entry.path, problems)
    services.set(entry, {
      ...fields,
      id: refs.idOf(entry),
      label: fields.name ?? entry.path,
      location: entry.path,
      tags: tags ?? [],
      ...(certificate ? { client_certificate: refs.idOf(certificate) } : {}),
      ...serviceTls(entry, refs, certificates, problems),
    })
  }
  return services
}

/** A route as the router takes it, after Kong's checks of a route. */
function gatewayRoute(entry: Entry, service: GatewayService | undefined, problems: ConfigProblem[]): GatewayRoute {
  const fields = entry.fields as RouteFields
  const { path } = entry
  problems.push(...routeProblems(fields, path))
  return {
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
    ...(service ? { service } : {}),
  }
}
