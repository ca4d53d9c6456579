// Byte chunks joined into one array, and text whose UTF-8 length is its own.

/** `length`: the chunks' total size, which the callers count as they collect them. */
export function concatBytes(chunks: readonly Uint8Array[], length: number): Uint8Array<ArrayBuffer> {
  const all = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    all.set(chunk, offset)
    offset += chunk.byteLength
  }
  return all
}

const NOT_ASCII = /[^\x00-\x7f]/

/** Whether `text` is ASCII: its UTF-8 bytes are then as many as its length. */
export function isAscii(text: string): boolean {
  return !NOT_ASCII.test(text)
}
