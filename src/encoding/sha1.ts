// SHA-1 (FIPS 180-4), synchronous: name-based UUIDs (version 5) are made while a configuration
// loads, where WebCrypto's asynchronous digest cannot be awaited. Never used for security.

export function sha1(message: Uint8Array): Uint8Array {
  const words = new Uint32Array(80)
  const state = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]
  // The message, a 1 bit, zeros, and its length in bits: a whole number of 64-byte blocks.
  const padded = new Uint8Array(Math.ceil((message.length + 9) / 64) * 64)
  padded.set(message)
  padded[message.length] = 0x80
  const view = new DataView(padded.buffer)
  view.setUint32(padded.length - 8, Math.floor(message.length / 0x20000000))
  view.setUint32(padded.length - 4, (message.length * 8) >>> 0)
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) words[i] = view.getUint32(block + i * 4)
    for (let i = 16; i < 80; i++) words[i] = rotate(words[i - 3] ^ words[i - 8] ^ words[i - 14] ^ words[i - 16], 1)
    let [a, b, c, d, e] = state
    for (let i = 0; i < 80; i++) {
      let mixed: number
      if (i < 20) mixed = ((b & c) | (~b & d)) + 0x5a827999
      else if (i < 40) mixed = (b ^ c ^ d) + 0x6ed9eba1
      else if (i < 60) mixed = ((b & c) | (b & d) | (c & d)) + 0x8f1bbcdc
      else mixed = (b ^ c ^ d) + 0xca62c1d6
      const next = (rotate(a, 5) + mixed + e + words[i]) >>> 0
      e = d
      d = c
      c = rotate(b, 30)
      b = a
      a = next
    }
    state[0] = (state[0] + a) >>> 0
    state[1] = (state[1] + b) >>> 0
    state[2] = (state[2] + c) >>> 0
    state[3] = (state[3] + d) >>> 0
    state[4] = (state[4] + e) >>> 0
  }
  const digest = new Uint8Array(20)
  const out = new DataView(digest.buffer)
  state.forEach((word, i) => {
    out.setUint32(i * 4, word)
  })
  return digest
}

function rotate(word: number, bits: number): number {
  return ((word << bits) | (word >>> (32 - bits))) >>> 0
}
