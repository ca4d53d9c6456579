// Header values are bytes: fetch's Headers on Node and Deno, and Node's parser, hold them one
// character per byte. Kong hands those bytes on as they are. So text the gateway sets in a
// header (a consumer's name, an acl group) goes out as its UTF-8 bytes, and a value whose bytes
// are UTF-8 is that text where the gateway reads it as text (a key to compare, a function's JSON
// event, a log entry). workerd's Headers hold text instead: they give a value's UTF-8 bytes
// decoded, and send text as UTF-8, so there both directions are the text as it is.

const BEYOND_ASCII = /[^\x00-\x7f]/
const BEYOND_BYTE = /[^\x00-\xff]/
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const ENCODER = new TextEncoder()

/** Whether this runtime's Headers hold text (workerd) rather than bytes (fetch's ByteString): its entry says so. */
let headersHoldText = false

/** Called by the entry of a runtime whose Headers hold text and send it as UTF-8 (Workers). */
export function headersAreText(): void {
  headersHoldText = true
}

/** One character per byte. */
export function binaryString(bytes: Uint8Array): string {
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  return text
}

/** `text`'s UTF-8 bytes, one character each, whatever the runtime: what goes on the wire. */
export function utf8Bytes(text: string): string {
  return BEYOND_ASCII.test(text) ? binaryString(ENCODER.encode(text)) : text
}

/** The bytes a header value came as, one character each: on a runtime whose Headers hold text, its UTF-8. */
export function fieldBytes(value: string): string {
  return headersHoldText ? utf8Bytes(value) : value
}

/** `text` as a header value carries it: its UTF-8 bytes, one character each (ASCII text is itself). */
export function utf8Field(text: string): string {
  return headersHoldText ? text : utf8Bytes(text)
}

/** The text a header value's bytes spell as UTF-8; a value that is not UTF-8 stays one character per byte. */
export function fieldText(value: string): string {
  // A character beyond a byte: already text (a value set in code, not read from the wire).
  if (headersHoldText || !BEYOND_ASCII.test(value) || BEYOND_BYTE.test(value)) return value
  const bytes = new Uint8Array(value.length)
  for (let i = 0; i < value.length; i++) bytes[i] = value.charCodeAt(i)
  try {
    return UTF8.decode(bytes)
  } catch {
    return value
  }
}
