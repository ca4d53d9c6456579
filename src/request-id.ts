/** 32 hex digits, like Kong's request id. */
export function newRequestId(): string {
  return crypto.randomUUID().replaceAll('-', '')
}
