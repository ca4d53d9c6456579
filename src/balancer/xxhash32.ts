// xxHash32 (seed 0) of a string's UTF-8 bytes: the hash Kong's consistent-hashing ring places
// targets and request values with (luaxxhash), so that a ring here is laid out as Kong's is.
// https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md

const P1 = 0x9e3779b1
const P2 = 0x85ebca77
const P3 = 0xc2b2ae3d
const P4 = 0x27d4eb2f
const P5 = 0x165667b1
const UTF8 = new TextEncoder()

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r))
const round = (acc: number, lane: number) => Math.imul(rotl((acc + Math.imul(lane, P2)) | 0, 13), P1)

export function xxhash32(text: string): number {
  const b = UTF8.encode(text)
  const n = b.length
  const word = (i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)
  let i = 0
  let h: number
  if (n >= 16) {
    let v1 = (P1 + P2) | 0
    let v2 = P2
    let v3 = 0
    let v4 = -P1 | 0
    for (; i + 16 <= n; i += 16) {
      v1 = round(v1, word(i))
      v2 = round(v2, word(i + 4))
      v3 = round(v3, word(i + 8))
      v4 = round(v4, word(i + 12))
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0
  } else h = P5
  h = (h + n) | 0
  for (; i + 4 <= n; i += 4) h = Math.imul(rotl((h + Math.imul(word(i), P3)) | 0, 17), P4)
  for (; i < n; i++) h = Math.imul(rotl((h + Math.imul(b[i], P5)) | 0, 11), P1)
  h = Math.imul(h ^ (h >>> 15), P2)
  h = Math.imul(h ^ (h >>> 13), P3)
  return (h ^ (h >>> 16)) >>> 0
}
