// The username and password of an `Authorization: Basic …` header, read as Kong's basic-auth
// reads them (https://github.com/Kong/kong/blob/master/kong/plugins/basic-auth/access.lua): the
// text after the first `Basic`/`basic` (not only at the start), base64 as nginx decodes it, then
// the username up to the first `:` after a non-empty run of other characters, and the password
// to the end of its line. Both are bytes, kept as binary strings (one character per byte).

import { base64ToBytes } from '../../encoding/base64.ts'
import { binaryString } from '../../http/field-text.ts'

export interface BasicCredentials {
  username: string
  password: string
}

export function basicCredentials(header: string): BasicCredentials | undefined {
  const encoded = /[Bb]asic\s*(.+)/.exec(header)?.[1]
  const decoded = encoded === undefined ? undefined : nginxBase64(encoded)
  if (decoded === undefined) return undefined
  // Anchored, past leading colons: the same match as Kong's unanchored one, in linear time.
  const parts = /^:*([^:]+):([^\n]*)/.exec(binaryString(decoded))
  return parts ? { username: parts[1], password: parts[2] } : undefined
}

/** ngx.decode_base64: the characters before the first `=`, all of the alphabet, not 4n+1 of them; padding optional. */
function nginxBase64(text: string): Uint8Array | undefined {
  const end = text.indexOf('=')
  const data = end === -1 ? text : text.slice(0, end)
  if (!/^[A-Za-z0-9+/]*$/.test(data) || data.length % 4 === 1) return undefined
  return base64ToBytes(data + '='.repeat((4 - (data.length % 4)) % 4))
}
