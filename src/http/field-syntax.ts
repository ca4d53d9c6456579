// RFC 9110 §5.1 and §5.5: what a header field name and value may contain. fetch's Headers is
// looser (it takes any byte but NUL, CR and LF in a value), while the servers that write the
// answer are not: Node throws on a control character and Deno's writer panics. Every header
// that reaches a client is checked against this grammar first.

import { utf8Bytes } from './field-text.ts'
import { headerLines } from './header-lines.ts'

/** token = 1*tchar */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** field-value = *( VCHAR / obs-text / SP / HTAB ), as Headers holds it: one char per byte. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

export function isFieldName(name: string): boolean {
  return TOKEN.test(name)
}

export function isFieldValue(value: string): boolean {
  return FIELD_VALUE.test(value)
}

/** Whether an HTTP/1.1 server may send this header line. */
export function isSendableField(name: string, value: string): boolean {
  return isFieldName(name) && isFieldValue(value)
}

/** The name of the first header whose name or value no HTTP/1.1 server may send, else undefined. */
export function invalidField(headers: Headers): string | undefined {
  for (const [name, value] of headerLines(headers) ?? headers) {
    if (!isSendableField(name, value)) return name
  }
  return undefined
}

/**
 * Where `text` first leaves a field's grammar, e.g. `character U+000B at 5` (positions count
 * characters), for a problem or a log line that must not quote the text: a header value may be
 * a secret (a cookie, a token in a Location or a config's header).
 */
export function invalidCharacter(text: string, valid: (char: string) => boolean): string {
  const chars = [...text]
  const at = chars.findIndex((char) => !valid(char))
  const code = chars[at]?.codePointAt(0) ?? 0
  return `character U+${code.toString(16).toUpperCase().padStart(4, '0')} at ${at}`
}

/** Why `value` cannot be sent as a header value as it is (the character, never the text: it may be a secret), else undefined. */
export function unsendableValue(value: string): string | undefined {
  return isFieldValue(value) ? undefined : `the header value cannot be sent: ${invalidCharacter(value, isFieldValue)}`
}

/** The same for text sent as its UTF-8 bytes (utf8Field): only a control character cannot be. */
export function unsendableText(text: string): string | undefined {
  const sendable = (part: string) => isFieldValue(utf8Bytes(part))
  return sendable(text) ? undefined : `the header value cannot be sent: ${invalidCharacter(text, sendable)}`
}
