// RFC 9110 §5.1 and §5.5: what a header field name and value may contain. fetch's Headers is
// looser (it takes any byte but NUL, CR and LF in a value), while the servers that write the
// answer are not: Node throws on a control character and Deno's writer panics. Every header
// that reaches a client is checked against this grammar first.

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

/** The name of the first header whose name or value no HTTP/1.1 server may send, else undefined. */
export function invalidField(headers: Headers): string | undefined {
  for (const [name, value] of headers) {
    if (!isFieldName(name) || !isFieldValue(value)) return name
  }
  return undefined
}
