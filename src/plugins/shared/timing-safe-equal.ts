// Comparing a secret a client sent with the configured one in time that does not depend on
// where they differ, so that a client cannot find a key or password a character at a time.

const ENCODER = new TextEncoder()

/** Whether `presented` equals `secret`; the time taken depends on the length of `presented` alone. */
export function timingSafeEqual(presented: string, secret: string): boolean {
  const a = ENCODER.encode(presented)
  const b = ENCODER.encode(secret)
  let difference = a.length ^ b.length
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ (b.length === 0 ? 0 : b[i % b.length])
  return difference === 0
}
