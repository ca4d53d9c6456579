// What the loopback echo upstream (upstream-servers.ts) answers: apart, so that the cases that
// read it run inside workerd too, where node: modules are not.

/** What the echo server answers (JSON). */
export interface Echo {
  method: string
  target: string
  httpVersion: string
  /** Header lines as received, names in lower case. */
  headers: Array<[string, string]>
  bodyLength: number
  bodySha256: string
  /** The connection's port on the gateway's side: two requests on one kept-alive connection share it. */
  remotePort: number
}
