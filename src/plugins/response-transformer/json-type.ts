// Whether an answer is JSON, as Kong's response-transformer decides it (header_transformer.lua's
// is_json_body): one of the Content-Type's comma-separated media types parses (RFC 2045, with
// Kong's kong/tools/mime_type.lua) as application/json or an application/*+json type.

const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+"
const QUOTED = '"(?:[^"\\x00-\\x1f\\x7f]|\\\\[\\x00-\\x7f])*"'
const MEDIA_TYPE = new RegExp(`^(?:(${TOKEN})/(${TOKEN})|\\*)(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|${QUOTED}))*$`)

export function isJsonContentType(contentType: string | null): boolean {
  if (contentType === null) return false
  return contentType.split(',').some((part) => {
    const match = MEDIA_TYPE.exec(part.trim())
    if (!match || match[1] === undefined) return false
    const [type, subtype] = [match[1].toLowerCase(), match[2].toLowerCase()]
    return type === 'application' && (subtype === 'json' || subtype.endsWith('+json'))
  })
}
