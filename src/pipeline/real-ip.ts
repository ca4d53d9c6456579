// The client's address as Kong's nginx computes $remote_addr with its realip module
// (`trusted_ips`, `real_ip_header`, `real_ip_recursive` in kong.conf;
// https://nginx.org/en/docs/http/ngx_http_realip_module.html): the peer's address, unless the
// peer is trusted and sent the header, whose addresses are then read from the right.

import type { IpMatcher } from '../http/ip.ts'
import { parseIp } from '../http/ip.ts'

/** TRUSTED_IPS, REAL_IP_HEADER, REAL_IP_RECURSIVE. */
export interface RealIpSettings {
  trusted: IpMatcher
  /** Lower case (fetch's Headers). */
  header: string
  recursive: boolean
}

/**
 * The address the request is from. Not recursive: the header's last address when the peer is
 * trusted. Recursive: walking from the right, the first address that is not trusted (the
 * leftmost when all are). A malformed entry ends the walk with what was found so far.
 */
export function realClientAddress(peer: string | null, headers: Headers, settings: RealIpSettings): string | null {
  const value = headers.get(settings.header)
  if (value === null) return peer
  // fetch joins repeated lines with ", ": one list, as nginx walks repeated X-Forwarded-For lines.
  const entries = value.split(',')
  let address = peer
  for (let i = entries.length - 1; i >= 0 && settings.trusted(address); i--) {
    const entry = entries[i].trim()
    if (entry === '') continue
    const next = withoutPort(entry)
    if (next === undefined) break
    address = next
    if (!settings.recursive) break
  }
  return address
}

/** `192.0.2.1`, `192.0.2.1:80`, `::1`, `[::1]`, `[::1]:80` as the address alone (nginx's ngx_parse_addr_port). */
function withoutPort(entry: string): string | undefined {
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(entry)
  const text = bracketed ? bracketed[1] : /^[\d.]+:\d{1,5}$/.test(entry) ? entry.slice(0, entry.indexOf(':')) : entry
  return parseIp(text) && !text.startsWith('[') ? text : undefined
}
