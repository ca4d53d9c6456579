// A small declarative schema language, just enough to state Kong's entity schemas as data: the
// validator walks it. What a plugin's fields mean is in the plugin's docs.ts (FieldDocs), for the
// README's tables, so that the Worker bundle carries no prose.

export type FieldSpec = StringField | NumberField | BooleanField | ArrayField | RecordField | AnyField | MapField

interface BaseField {
  required?: boolean
  /** Accepted (and documented) but has no effect on this gateway. */
  ignored?: boolean
}

export interface StringField extends BaseField {
  type: 'string'
  default?: string
  oneOf?: readonly string[]
  maxLength?: number
  /** May hold a `{vault://env/NAME}` reference, resolved at load time. */
  referenceable?: boolean
  /** Kong's `uuid = true`: 8-4-4-4-12 hexadecimal digits. */
  uuid?: boolean
  /** Extra check after the type check; returns Kong's error message or undefined. */
  check?: (value: string) => string | undefined
}

export interface NumberField extends BaseField {
  type: 'number' | 'integer'
  default?: number
  between?: readonly [number, number]
  check?: (value: number) => string | undefined
}

export interface BooleanField extends BaseField {
  type: 'boolean'
  default?: boolean
}

export interface ArrayField extends BaseField {
  type: 'array'
  elements: FieldSpec
  default?: readonly (string | number | boolean)[]
}

/** Any value, taken as it is (Kong's `any`: the elements of `_ignore`). */
export interface AnyField extends BaseField {
  type: 'any'
}

/** Kong's `map`: an object whose keys are checked by `keys` and whose values by `values` (a route's `headers`). */
export interface MapField extends BaseField {
  type: 'map'
  keys: StringField
  values: FieldSpec
  /** Extra check once keys and values are valid (Kong's `len_min`, custom validators); Kong's message or undefined. */
  check?: (value: Record<string, unknown>) => string | undefined
}

/**
 * An object validated by a nested schema (e.g. a plugin's `config`). As in Kong, a `required`
 * record that is left out takes its fields' defaults (an explicit null is still refused).
 */
export interface RecordField extends BaseField {
  type: 'record'
  fields: Schema
  /** Extra check once its fields are valid (Kong's entity checks and custom validator of a nested record); Kong's message or undefined. */
  check?: (value: Record<string, unknown>) => string | undefined
}

export type Schema = Readonly<Record<string, FieldSpec>>

/** The paths of a schema's fields, a record's fields after it (`remove.headers`). */
type FieldPath<S extends Schema> = {
  [K in keyof S & string]: K | (S[K] extends { type: 'record'; fields: infer F extends Schema } ? `${K}.${FieldPath<F>}` : never)
}[keyof S & string]

/** A line saying what each field of `S` means, for the README's field tables (`npm run docs`). */
export type FieldDocs<S extends Schema> = { readonly [P in FieldPath<S>]: string }

// Kong's typedefs, restated as checks.

/** Kong's `typedefs.host`: a hostname or IP address (IPv6 bare or bracketed), without a port. */
export function checkHost(value: string): string | undefined {
  if (/^[^:]*:\d*$/.test(value) || /^\[.*\]:\d*$/.test(value)) return 'must not have a port'
  if (value.includes(':') || value.startsWith('[')) {
    return isIPv6(value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value) ? undefined : `invalid value: ${value}`
  }
  const label = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/
  if (value.length > 253 || !value.split('.').every((part) => label.test(part))) {
    return `invalid value: ${value}`
  }
  return undefined
}

function isIPv6(value: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(value)) return false
  try {
    new URL(`http://[${value}]`)
    return true
  } catch {
    return false
  }
}

/** Kong's `typedefs.header_name`. */
export function checkHeaderName(name: string): string | undefined {
  return /^[a-zA-Z0-9-_]+$/.test(name) ? undefined : `bad header name '${name}', allowed characters are A-Z, a-z, 0-9, '_', and '-'`
}

/** Kong's `gt = 0`. */
export function checkPositive(value: number): string | undefined {
  return value > 0 ? undefined : 'value must be greater than 0'
}

/** A region becomes part of a hostname (`lambda.<region>.amazonaws.com`): a host, not an address. */
export function checkRegion(value: string): string | undefined {
  return checkHost(value) ?? (value.includes(':') ? `invalid value: ${value}` : undefined)
}

/** Kong's `typedefs.url`: must parse, with a scheme and a host. */
export function checkUrl(value: string): string | undefined {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value)
  if (!scheme) return 'missing scheme in url'
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return `could not parse url. ${value}`
  }
  if (!url.hostname) return 'missing host in url'
  return undefined
}

/** A URL the gateway will call: Kong's url check, and http or https. */
export function checkHttpUrl(value: string): string | undefined {
  return checkUrl(value) ?? (/^https?:\/\//i.test(value) ? undefined : 'scheme must be http or https')
}

/** The value a field holds once validated. */
export type FieldValue<F> = F extends { type: 'string'; oneOf: readonly (infer O)[] }
  ? O
  : F extends { type: 'string' }
    ? string
    : F extends { type: 'number' | 'integer' }
      ? number
      : F extends { type: 'boolean' }
        ? boolean
        : F extends { type: 'array'; elements: infer E }
          ? FieldValue<E>[]
          : F extends { type: 'record'; fields: infer S }
            ? Validated<S>
            : F extends { type: 'any' }
              ? unknown
              : F extends { type: 'map'; values: { type: 'array'; elements: { type: 'string' } } }
                ? Record<string, string[]>
                : F extends { type: 'map' }
                  ? Record<string, unknown>
                  : never

/** Fields that always hold a value once validated: required ones and those with a default. */
type Always<S> = { [K in keyof S]: S[K] extends { required: true } | { default: unknown } ? K : never }[keyof S]

/** What validateRecord returns for `schema` (declared `as const`): the type is derived, never written twice. */
export type Validated<S> = { -readonly [K in Always<S>]: FieldValue<S[K]> } & { -readonly [K in Exclude<keyof S, Always<S>>]?: FieldValue<S[K]> }
