// The upstream's (or the function's) `X-Kong-Limit` header: what this answer costs, per limit
// name, as `video=1, image=2`. Read as Kong's parse_header reads it
// (https://github.com/Kong/kong/blob/master/kong/plugins/response-ratelimiting/header_filter.lua):
// entries split on `,`, each `name=value` with exactly one `=`, names and values trimmed, names
// that are not configured ignored, the last entry of a name winning.

const WHOLE_NUMBER = /^[+-]?\d+$/

/**
 * The increments `value` asks for, by configured limit name. A value that is not a whole number
 * is ignored (Kong's local policy would also count `1.5` or `0x10`; its redis policy fails on a
 * fraction, and a store here counts whole numbers).
 */
export function parseIncrements(value: string | null, limits: ReadonlySet<string>): Map<string, number> {
  const increments = new Map<string, number>()
  if (value === null) return increments
  for (const entry of value.split(',')) {
    const parts = entry.split('=')
    if (parts.length !== 2) continue
    const name = (parts[0] as string).trim()
    if (!limits.has(name)) continue
    const amount = (parts[1] as string).trim()
    const number = WHOLE_NUMBER.test(amount) ? Number(amount) : Number.NaN
    if (Number.isSafeInteger(number)) increments.set(name, number)
    // Kong's tonumber gives nil for what it cannot read: the name then counts nothing.
    else increments.delete(name)
  }
  return increments
}
