const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))
/** Random bytes for 256 ids, drawn at once: one call into the random source per 256 requests. */
const pool = new Uint8Array(4096)
let next = pool.length

/** 32 hex digits (16 random bytes), like Kong's request id. */
export function newRequestId(): string {
  if (next === pool.length) {
    crypto.getRandomValues(pool)
    next = 0
  }
  let id = ''
  for (const end = next + 16; next < end; next++) id += HEX[pool[next]]
  return id
}

/**
 * A client's `X-Request-Id` when it can be carried as is (1-128 of letters, digits and
 * `._:-`, e.g. a UUID or a trace id); otherwise a new id is made.
 */
export function acceptedRequestId(value: string | undefined): string | undefined {
  return value !== undefined && /^[\w.:-]{1,128}$/.test(value) ? value : undefined
}
