// Route priority as Kong 3's default router flavour, traditional_compatible, computes it
// (`get_priority` in https://github.com/Kong/kong/blob/master/kong/router/transform.lua), bit
// for bit as it runs on x86-64: higher first. The layout Kong's comments describe is, from the
// top: the number of matching fields (methods, hosts, headers, snis, paths) at bit 61, "plain
// hosts only" at 60, the header count at 52, "regex path" at 51, `regex_priority` at 19, the
// prefix length below. But `lshift_uint64` hands `bit.lshift` a Lua number, which LuaJIT
// shifts in 32 bits with the count taken modulo 32: the field count lands at bit 29, the header
// count at bit 20 (overlapping `regex_priority`, OR-ed with it), and what comes out negative
// (four or more fields, a negative `regex_priority`) becomes 2^63 when LuaJIT converts it to the
// router's unsigned 64-bit priority. docs/kong-router.md works through it and its consequences
// (Kong/kong#14457 is one, reported from a real deployment).

const PLAIN_HOSTS_ONLY = 1n << 60n
const REGEX_PATH = 1n << 51n
const TOP_BIT = 1n << 63n

/** What Kong's priority reads of a route (or of one part of a route whose paths are split). */
export interface PriorityFields {
  methods: readonly string[]
  /** Undefined when not given: `hosts: []` still counts as "plain hosts only" in Kong. */
  hosts?: readonly string[]
  /** How many header names the route matches on. */
  headerNames: number
  snis: readonly string[]
  /** The part's paths: all regexes (`~`), or prefixes of one length. */
  paths: readonly string[]
  regexPriority: number
}

export function kongPriority(fields: PriorityFields): bigint {
  const weight = [fields.methods, fields.hosts ?? [], { length: fields.headerNames }, fields.snis, fields.paths].filter((f) => f.length > 0).length
  const plainHostsOnly = fields.hosts !== undefined && !fields.hosts.some((host) => host.includes('*'))
  const regex = fields.paths.length > 0 && fields.paths[0].startsWith('~')
  const prefixLength = regex || fields.paths.length === 0 ? 0 : utf8Length(fields.paths[0])
  const terms = [
    luaLshift(weight, 61),
    luaLshift(Math.min(fields.headerNames, 255), 52),
    luaLshift(regex ? fields.regexPriority : 0, 19),
    prefixLength & 0x7ffff,
  ]
  // With a 64-bit operand among them (the two flags), `bit.bor` widens every number to 64 bits
  // one by one; without, it ORs them in 32 bits and the router's FFI call widens the result.
  if (plainHostsOnly || regex) {
    return terms.reduce((priority, term) => priority | toUint64(term), (plainHostsOnly ? PLAIN_HOSTS_ONLY : 0n) | (regex ? REGEX_PATH : 0n))
  }
  return toUint64(terms.reduce((priority, term) => priority | term, 0))
}

/**
 * Kong's split of a route's paths (`split_routes_and_services_by_path`): all regexes in one
 * part, prefixes in one part per length (in bytes), parts in the order their first path appears.
 */
export function pathParts(paths: readonly string[]): string[][] {
  const parts = new Map<number, string[]>()
  for (const path of paths) {
    const key = path.startsWith('~') ? 0 : utf8Length(path)
    const part = parts.get(key)
    if (part) part.push(path)
    else parts.set(key, [path])
  }
  return [...parts.values()]
}

/** LuaJIT's `bit.lshift` on a Lua number: a 32-bit signed result, the count taken modulo 32. */
function luaLshift(value: number, count: number): number {
  return value << (count & 31)
}

/** LuaJIT's conversion of a number to `uint64_t` on x86-64: a negative number becomes 2^63. */
function toUint64(value: number): bigint {
  return value < 0 ? TOP_BIT : BigInt(value)
}

const UTF8 = new TextEncoder()

/** Lua's `#` of a string: its length in bytes. */
function utf8Length(text: string): number {
  return UTF8.encode(text).length
}
