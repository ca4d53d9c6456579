/** 32 hex digits, like Kong's request id. */
export function newRequestId(): string {
  return crypto.randomUUID().replaceAll('-', '')
}

/**
 * A client's `X-Request-Id` when it can be carried as is (1-128 of letters, digits and
 * `._:-`, e.g. a UUID or a trace id); otherwise a new id is made.
 */
export function acceptedRequestId(value: string | undefined): string | undefined {
  return value !== undefined && /^[\w.:-]{1,128}$/.test(value) ? value : undefined
}
