/** Statuses whose answers carry no body (RFC 9110 §15.3.5, §15.3.6, §15.4.5); fetch refuses one. */
export const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([204, 205, 304])
