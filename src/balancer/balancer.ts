// What the proxy asks of load balancing (Kong's kong/runloop/balancer/): a target for each try
// of a request to an upstream, and how each try went (passive health checks, least-connections'
// counts). The algorithms and health checks live beside this file.

import type { HashValue } from './hash-value.ts'

/** Where a try connects: one of the upstream's targets. */
export interface BalancerTarget {
  readonly host: string
  readonly port: number
}

/** What the hashing of `consistent-hashing` may read of a request (`hash_on`, `hash_fallback`). */
export interface BalanceRequest {
  /** The authenticated consumer's id (`consumer`), falling back to the credential's, as Kong. */
  consumerId?: string
  credentialId?: string
  /** The client's address (`ip`), as the gateway knows it (TRUSTED_IPS applied). */
  sourceIp: string | null
  /** A request header's value, repeated lines joined with `, ` (`header`). */
  header(name: string): string | undefined
  /** A request cookie's value (`cookie`). */
  cookie(name: string): string | undefined
  /** The normalised request path (`path`). */
  path: string
  /** A query argument's value (`query_arg`). */
  queryArg(name: string): string | undefined
  /** A named or numbered capture of the matched route path (`uri_capture`). */
  uriCapture(name: string): string | undefined
  /** The value consistent-hashing hashed for the request, kept by its first pick for every retry (a new cookie's value must hold for each). */
  hash?: HashValue
}

/** How a try went. */
export type TryOutcome = { readonly status: number } | 'tcp-failure' | 'timeout'

/** A target chosen for one try. */
export interface BalancerPick {
  readonly target: BalancerTarget
  /** Called once, when the try's outcome is known (its answer's head, or its failure): it counts for passive health checks. */
  done(outcome: TryOutcome): void
  /**
   * Called when the try is over: its answer's body ended, broke or was given up (a tunnel
   * closed), or the try failed. Until then it counts for least-connections, as Kong's handle is
   * released only in the log phase. Called more than once, it counts once.
   */
  release(): void
  /** `hash_on: cookie` when the client sent none: the Set-Cookie line for the answer. */
  readonly setCookie?: string
}

export interface Balancer {
  /** The upstream's `host_header`: the Host sent to every target instead of its name (with the target's port unless it has one). */
  readonly hostHeader?: string
  /**
   * A target for the next try, avoiding those `tried` (Kong's retries go to another target where
   * there is one); undefined when no target is healthy or has weight: Kong's 503.
   */
  pick(request: BalanceRequest, tried: readonly BalancerTarget[]): BalancerPick | undefined
}
