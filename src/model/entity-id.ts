// The ids Kong gives the entities of a declarative file that have none: a UUID v5 of the entity's
// unique name (a consumer's username, a service's name …) in a namespace of its kind, so that the
// same file gives the same ids (`generate_uuid` in
// https://github.com/Kong/kong/blob/master/kong/db/schema/others/declarative_config.lua); a
// consumer's id reaches upstreams and functions (X-Consumer-ID), so it is Kong's. Built once at
// load, synchronously: SHA-1 is written out here because WebCrypto's digest is asynchronous.

const KONG_ENTITIES_NAMESPACE = 'fd02801f-0957-4a15-a55a-c8d9606f30b5'

/** Kong's id for an entity of `kind` (`consumers`, `services` …) whose unique name is `name`. */
export function declarativeId(kind: string, name: string): string {
  return uuidV5(uuidV5(KONG_ENTITIES_NAMESPACE, kind), name)
}

/** RFC 9562 UUID version 5: SHA-1 of the namespace's bytes and the name's UTF-8. */
export function uuidV5(namespace: string, name: string): string {
  const ns = namespace.replaceAll('-', '')
  const nameBytes = new TextEncoder().encode(name)
  const input = new Uint8Array(16 + nameBytes.length)
  for (let i = 0; i < 16; i++) input[i] = Number.parseInt(ns.slice(i * 2, i * 2 + 2), 16)
  input.set(nameBytes, 16)
  const bytes = sha1(input).subarray(0, 16)
  bytes[6] = (bytes[6] & 0x0f) | 0x50
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** SHA-1 (RFC 3174) of `message`. */
function sha1(message: Uint8Array): Uint8Array {
  const length = message.length
  const padded = new Uint8Array((((length + 8) >> 6) + 1) << 6)
  padded.set(message)
  padded[length] = 0x80
  const view = new DataView(padded.buffer)
  view.setUint32(padded.length - 8, Math.floor((length * 8) / 2 ** 32))
  view.setUint32(padded.length - 4, (length * 8) >>> 0)
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]
  const w = new Uint32Array(80)
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(block + i * 4)
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
      w[i] = (x << 1) | (x >>> 31)
    }
    let [a, b, c, d, e] = h
    for (let i = 0; i < 80; i++) {
      const [f, k] =
        i < 20
          ? [(b & c) | (~b & d), 0x5a827999]
          : i < 40
            ? [b ^ c ^ d, 0x6ed9eba1]
            : i < 60
              ? [(b & c) | (b & d) | (c & d), 0x8f1bbcdc]
              : [b ^ c ^ d, 0xca62c1d6]
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]) >>> 0
      e = d
      d = c
      c = (b << 30) | (b >>> 2)
      b = a
      a = t
    }
    h[0] = (h[0] + a) >>> 0
    h[1] = (h[1] + b) >>> 0
    h[2] = (h[2] + c) >>> 0
    h[3] = (h[3] + d) >>> 0
    h[4] = (h[4] + e) >>> 0
  }
  const digest = new Uint8Array(20)
  const out = new DataView(digest.buffer)
  for (let i = 0; i < 5; i++) out.setUint32(i * 4, h[i])
  return digest
}
