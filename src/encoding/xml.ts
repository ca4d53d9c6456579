// Reading single elements of small XML answers (STS, AWS error bodies): values that never hold
// markup, so the first element of a name and its text are enough.

/** The text of the first `<name>` element, entities decoded. */
export function xmlElement(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(xml)
  return match ? decodeEntities(match[1].trim()) : undefined
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

function decodeEntities(text: string): string {
  return text.replace(/&(?:#x([0-9a-fA-F]+)|#(\d+)|(lt|gt|amp|quot|apos));/g, (entity, hex, dec, named) => {
    if (named) return ENTITIES[named]
    const code = parseInt(hex ?? dec, hex ? 16 : 10)
    return code <= 0x10ffff ? String.fromCodePoint(code) : entity
  })
}
