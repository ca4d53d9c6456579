// What a plugin instance keeps for one request between its phases (Kong's `kong.ctx.plugin`):
// what its access phase found, for its response or log phase. Kept on the request's context,
// not in a WeakMap keyed by it: V8 traces a WeakMap's entries (ephemerons) at every garbage
// collection, and an entry per request cost a tenth of a proxied request's CPU under load.

import type { RequestContext } from './context.ts'

export class RequestSlot<T> {
  get(ctx: RequestContext): T | undefined {
    return ctx.slots?.get(this) as T | undefined
  }

  set(ctx: RequestContext, value: T): void {
    ctx.slots ??= new Map()
    ctx.slots.set(this, value)
  }
}
