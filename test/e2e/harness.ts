// What every end-to-end case file shares: the runner interface each runtime implements, and
// small request and assertion helpers.

export interface ClientRequest {
  method?: string
  path: string
  headers?: Record<string, string>
  body?: string | Uint8Array<ArrayBuffer>
  /**
   * The client's address, as the gateway's runtime learns it: Node and Deno clients connect from
   * it (a loopback address: all of 127.0.0.0/8 is loopback on Linux), the Worker gets it as
   * CF-Connecting-IP. Default: `sourceIp`.
   */
  from?: string
}

export interface Invocation {
  functionName: string
  rawPath: string
  accessKeyId: string | null
  qualifier: string | null
  headers: Record<string, string>
  signatureValid: boolean
  signedHeaders: string[]
}

export interface E2E {
  send(request: ClientRequest & { host?: string }): Promise<Response>
  /** As `send`, but resolves at the answer's head: the body streams as the gateway sends it. */
  stream(request: ClientRequest & { host?: string }): Promise<Response>
  /** The mock Lambda's base URL (its /__streams control endpoints). */
  mockUrl: string
  /** The loopback echo upstream's base URL (its /__seen/ID record; test/support/upstream-servers.ts). */
  upstreamUrl?: string
  invocations(): Promise<Invocation[]>
  equal(actual: unknown, expected: unknown, what?: string): void
  ok(condition: unknown, what: string): void
  /** Every log line the gateway has written so far (LOG_LEVEL debug). */
  logs(): string[]
  /** The client address the gateway sees for `send` (the TCP peer, or CF-Connecting-IP on Workers). */
  sourceIp: string
  /**
   * Node and Deno: sends the request line and header lines `head` byte for byte over a socket
   * (Connection: close added) and reads the answer. A test cannot reach workerd that way.
   */
  raw?(head: string): Promise<{ status: number; body: string }>
  /** Opens a WebSocket through the gateway (a ws:// client on Node and Deno, the Worker's fetch with `Upgrade: websocket` in workerd). */
  webSocket(request: WebSocketRequest): Promise<WebSocketOutcome>
}

export interface WebSocketRequest {
  host?: string
  path: string
  headers?: Record<string, string>
  /** Offered as Sec-WebSocket-Protocol. */
  protocols?: string[]
  from?: string
}

/** A WebSocket the gateway switched to (101), as the client sees it. */
export interface OpenedWebSocket {
  /** The sub-protocol the upstream chose ('' for none). */
  protocol: string
  send(data: string | Uint8Array): void
  /** The next message: text as a string, binary as bytes. */
  next(): Promise<string | Uint8Array>
  close(code?: number, reason?: string): void
  /** The close code and reason the client received. */
  closed: Promise<{ code: number; reason: string }>
}

/** The 101 with its open socket, or the answer that refused the upgrade. */
/** Messages in arrival order, each taken once by `next`. */
export function messageQueue() {
  const arrived: Array<string | Uint8Array> = []
  const waiting: Array<(message: string | Uint8Array) => void> = []
  return {
    push(message: string | Uint8Array) {
      const taker = waiting.shift()
      if (taker) taker(message)
      else arrived.push(message)
    },
    next(): Promise<string | Uint8Array> {
      const message = arrived.shift()
      return message === undefined ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve(message)
    },
  }
}
export type WebSocketOutcome =
  | { status: 101; headers: Headers; socket: OpenedWebSocket; body?: undefined }
  | { status: number; headers: Headers; body: string; socket?: undefined }

export interface Case {
  name: string
  run(t: E2E): Promise<void>
  /** Only where the runtime can do it (e.g. a DNS lookup that fails). */
  skipIn?: Array<'workerd' | 'deno'>
  /** A case that moves hundreds of megabytes may take longer than vitest's 5 s on a loaded machine: a bound against hanging, not a timing goal. */
  timeoutMs?: number
}

export const QUERY = '/get?key1=some_value1&key2=some_value2&key3=some_value3'
export const FORM = 'application/x-www-form-urlencoded'
export const API_ERROR_BODY = '{"message":"Upstream Lambda invocation failed"}'

export const json = async (response: Response) => JSON.parse(await response.text()) as Record<string, any>

/**
 * `text`'s UTF-8 bytes as a client sends them in a header: one character per byte where fetch's
 * Headers hold bytes (Node, Deno), the text itself where they send text as UTF-8 (workerd).
 */
export function utf8Header(text: string): string {
  try {
    new Headers({ probe: '\u0100' })
    return text
  } catch {
    return String.fromCharCode(...new TextEncoder().encode(text))
  }
}
export const get = (host: string, path = QUERY) => ({ host, path })
export const post = (host: string, body: string | Uint8Array<ArrayBuffer>, contentType?: string, path = '/post') => ({
  host,
  path,
  method: 'POST',
  body,
  headers: (contentType ? { 'content-type': contentType } : {}) as Record<string, string>,
})
export const postJson = (host: string, value: unknown) => post(host, JSON.stringify(value), 'application/json')

export async function expectSuccess(t: E2E, response: Response, status = 200) {
  t.equal(response.status, status, 'status')
  t.equal(response.headers.get('x-amzn-requestid'), 'foo', 'x-amzn-RequestId')
}

/** The response is the generic error: no AWS text, ARN or key anywhere in it. */
export async function expectSanitised(t: E2E, response: Response, status: number, body?: string) {
  t.equal(response.status, status, 'status')
  const text = await response.text()
  if (body !== undefined) t.equal(text, body, 'body')
  else {
    const parsed = JSON.parse(text)
    t.equal(parsed.message, 'An unexpected error occurred', 'message')
    t.ok(/^[0-9a-f]{32}$/.test(parsed.request_id), 'request_id')
  }
  const everything = text + [...response.headers].join('\n')
  for (const secret of ['arn:', 'secretFunctionName', 'mock-secret', 'Function not found', 'x-amzn-errortype']) {
    t.ok(!everything.toLowerCase().includes(secret.toLowerCase()), `response leaks ${secret}`)
  }
}

/** Runs `action` and returns what it answered and the log lines the gateway wrote meanwhile. */
export function withLogs<T>(t: E2E, action: () => Promise<T>): Promise<[T, string]> {
  return logsDuring(t.logs(), action)
}

/** Runs `action` and returns what it answered and the lines added to `logs` meanwhile. */
export async function logsDuring<T>(logs: string[], action: () => Promise<T>): Promise<[T, string]> {
  const before = logs.length
  const result = await action()
  return [result, logs.slice(before).join('\n')]
}

export async function countInvocations(t: E2E, functionName: string) {
  return (await t.invocations()).filter((i) => i.functionName === functionName).length
}
