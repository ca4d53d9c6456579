// Base64 over bytes with only btoa/atob, which every runtime has.

/** Bytes backed by a plain ArrayBuffer, which every BodyInit accepts. */
export type Bytes = Uint8Array<ArrayBuffer>

/** Small enough for V8's fast path of apply: 40× faster than 32 KiB spread through the iterator protocol. */
const CHUNK = 0x1000

/** Bytes to base64 text: a runtime entry may hand the gateway a faster one than bytesToBase64. */
export type Base64Encoder = (bytes: Uint8Array) => string

export const bytesToBase64: Base64Encoder = (bytes) => {
  let binary = ''
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[])
  }
  return btoa(binary)
}

/** Returns undefined for text that is not valid base64 (atob's alphabet and padding rules). */
export function base64ToBytes(text: string): Bytes | undefined {
  let binary: string
  try {
    binary = atob(text)
  } catch {
    return undefined
  }
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** base64url (RFC 4648 §5), padded or not; undefined for text that is not (`+` and `/` are base64's, not base64url's). */
export function base64UrlToBytes(text: string): Bytes | undefined {
  return /[+/]/.test(text) ? undefined : base64ToBytes(text.replace(/-/g, '+').replace(/_/g, '/'))
}

const decoder = new TextDecoder()
export function bytesToText(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}
