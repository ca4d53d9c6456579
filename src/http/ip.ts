// IP addresses and CIDR ranges as Kong reads them (kong/tools/ip.lua on lua-resty-ipmatcher,
// which parses with inet_pton: dotted quads without leading zeros; IPv6 with one `::`, an
// embedded IPv4 tail, optionally in brackets) and a matcher for a list of them. An IPv4-mapped
// IPv6 address (`::ffff:192.0.2.1`, what a dual-stack socket reports for an IPv4 client) is
// matched as the IPv4 address it carries, as nginx's access module does, and as itself.

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)'
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`)
const GROUP = /^[0-9a-fA-F]{1,4}$/

/** The address's bytes: 4 for IPv4, 16 for IPv6; undefined when it is not an address. */
export function parseIp(text: string): Uint8Array | undefined {
  if (IPV4.test(text)) return Uint8Array.from(text.split('.'), Number)
  return parseIpv6(text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text)
}

function parseIpv6(text: string): Uint8Array | undefined {
  const tail = text.lastIndexOf(':')
  let hex = text
  if (text.includes('.')) {
    // An embedded IPv4 address is the last two groups.
    const v4 = IPV4.test(text.slice(tail + 1)) ? parseIp(text.slice(tail + 1)) : undefined
    if (!v4 || tail < 1) return undefined
    hex = `${text.slice(0, tail + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`
  }
  const halves = hex.split('::')
  if (halves.length > 2) return undefined
  const groups = halves.map((half) => (half === '' ? [] : half.split(':')))
  const count = groups[0].length + (groups[1]?.length ?? 0)
  // Without `::` there are eight groups; `::` stands for at least one.
  if (halves.length === 1 ? count !== 8 : count > 7) return undefined
  if (!groups.every((list) => list.every((group) => GROUP.test(group)))) return undefined
  const words = [...groups[0], ...Array(8 - count).fill('0'), ...(groups[1] ?? [])].map((group) => Number.parseInt(group, 16))
  return Uint8Array.from(words.flatMap((word) => [word >> 8, word & 0xff]))
}

/** An address or a CIDR range: its network's bytes and prefix length. */
interface Range {
  bytes: Uint8Array
  prefix: number
}

/** `192.0.2.1`, `192.0.2.0/24`, `::1`, `2001:db8::/32`; undefined when Kong refuses it. */
function parseRange(text: string): Range | undefined {
  const slash = text.indexOf('/')
  const bytes = parseIp(slash < 0 ? text : text.slice(0, slash))
  if (!bytes) return undefined
  if (slash < 0) return { bytes, prefix: bytes.length * 8 }
  const prefix = text.slice(slash + 1)
  // Kong looks the prefix up among "0".."32" (IPv4) or "0".."128" (IPv6): no sign, no leading zero.
  if (!/^(?:0|[1-9]\d{0,2})$/.test(prefix) || Number(prefix) > bytes.length * 8) return undefined
  return { bytes, prefix: Number(prefix) }
}

/** Kong's `typedefs.ip_or_cidr` check, in its words. */
export function checkIpOrCidr(value: string): string | undefined {
  return parseRange(value) ? undefined : `invalid ip or cidr range: '${value}'`
}

/** An IPv4-mapped IPv6 address as the IPv4 address it carries; any other as it is. */
function unmapped(bytes: Uint8Array): Uint8Array {
  const mapped = bytes.length === 16 && bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff
  return mapped ? bytes.subarray(12) : bytes
}

function inRange(address: Uint8Array, range: Range): boolean {
  if (address.length !== range.bytes.length) return false
  const whole = range.prefix >> 3
  for (let i = 0; i < whole; i++) if (address[i] !== range.bytes[i]) return false
  const bits = range.prefix & 7
  if (bits === 0) return true
  const mask = (0xff << (8 - bits)) & 0xff
  return (address[whole] & mask) === (range.bytes[whole] & mask)
}

/** Whether an address is in one of the ranges: a list checked with checkIpOrCidr (an entry that is not a range is left out). */
export type IpMatcher = (address: string | null) => boolean

export function ipMatcher(list: readonly string[]): IpMatcher {
  const ranges = list.flatMap((entry) => parseRange(entry) ?? [])
  return (address) => {
    const bytes = address === null ? undefined : parseIp(address)
    if (!bytes) return false
    // A mapped address is also matched as itself, as Kong's matcher does: a list written with the
    // mapped form (or `::/0`) holds for the client it names.
    const plain = unmapped(bytes)
    return ranges.some((range) => inRange(plain, range) || inRange(bytes, range))
  }
}
