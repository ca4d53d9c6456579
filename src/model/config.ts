// What a declarative file gives the gateway once read and checked: the routes it serves, the
// plugins configured with what they are scoped to, the services, and the consumers with their
// groups and credentials (what authentication plugins find a request's consumer by).

import type { ServiceFields } from './entities/service.ts'

/** The fields every entity has that the model keeps apart (its id) or has no use for. */
type Metadata = 'id' | 'tags' | 'created_at' | 'updated_at' | '_comment' | '_ignore'

interface Entity {
  /** The file's id, else the one Kong would give it (derived from its unique name where Kong derives it, else random). */
  readonly id: string
  readonly tags: readonly string[]
}

export interface GatewayService extends Entity, Readonly<Omit<ServiceFields, Metadata>> {
  /** The service's name, else its position in the file (`services[0]`). */
  readonly label: string
  /** Where it is in the file (`services[0]`), for problems found later. */
  readonly location: string
  /** The id of the certificate it would present to its upstream. */
  readonly client_certificate?: string
}

export interface GatewayRoute {
  /** The route's name, else its position in the file (`routes[2]`): used in logs. */
  label: string
  /** Where it is in the file, for problems found later. */
  path: string
  /** As the file gives them: the router breaks priority ties with Kong's route ids. */
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

export interface GatewayConsumerGroup extends Entity {
  readonly name: string
}

export interface GatewayConsumer extends Entity {
  /** Its username, else its custom_id: used in logs. */
  readonly label: string
  readonly username?: string
  readonly custom_id?: string
  /** Its consumer groups, by name in alphabetical order (the order Kong picks a group-scoped plugin in). */
  readonly groups: readonly GatewayConsumerGroup[]
  /** Its ACL groups (the acl plugin's `acls`). */
  readonly acls: readonly string[]
}

interface Credential extends Entity {
  readonly consumer: GatewayConsumer
}

export interface KeyauthCredential extends Credential {
  readonly kind: 'keyauth'
  readonly key: string
}

export interface BasicauthCredential extends Credential {
  readonly kind: 'basicauth'
  readonly username: string
  readonly password: string
  /** The file was written with `_transform: false`: the password is already hashed as Kong hashes it. */
  readonly passwordHashed: boolean
}

export interface JwtSecret extends Credential {
  readonly kind: 'jwt'
  readonly key: string
  readonly secret: string
  readonly algorithm: string
  readonly rsa_public_key?: string
}

export interface HmacauthCredential extends Credential {
  readonly kind: 'hmacauth'
  readonly username: string
  readonly secret: string
}

/** A credential an authentication plugin recognised a request by. */
export type GatewayCredential = KeyauthCredential | BasicauthCredential | JwtSecret | HmacauthCredential

/** A configured, enabled plugin: its validated config and the entities it is scoped to (none: global). */
export interface PluginEntity {
  name: string
  config: Record<string, unknown>
  /** Where its `config` is in the file (`routes[2].plugins[0].config`), for problems found later. */
  path: string
  route?: GatewayRoute
  service?: GatewayService
  consumer?: GatewayConsumer
  consumerGroup?: GatewayConsumerGroup
}

/** Said once in the log when the configuration loads. */
export interface ConfigWarning {
  message: string
  fields?: Record<string, unknown>
}

export interface GatewayConfig {
  /** The routes served, in file order (routes of disabled services left out). */
  routes: GatewayRoute[]
  plugins: PluginEntity[]
  services: GatewayService[]
  consumers: GatewayConsumer[]
  consumerGroups: GatewayConsumerGroup[]
  credentials: {
    keyauth: KeyauthCredential[]
    basicauth: BasicauthCredential[]
    jwt: JwtSecret[]
    hmacauth: HmacauthCredential[]
  }
  warnings: ConfigWarning[]
}
