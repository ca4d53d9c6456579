// What Kong's authentication plugins do with the consumer they found (`kong.client.authenticate`
// and the `set_consumer` of key-auth, basic-auth, jwt, …): the request becomes the consumer's,
// the plugins after are picked for it, and the upstream (a function's event) is told who it is
// in Kong's headers. With `anonymous`, a request without credentials is the anonymous
// consumer's instead of a 401, and authentication plugins combine as a logical OR
// (https://docs.konghq.com/gateway/latest/kong-plugins/authentication/reference/#multiple-authentication).

import { utf8Field } from '../http/field-text.ts'
import type { GatewayConsumer, GatewayCredential } from '../model/declarative.ts'
import { ConfigError, joinPath } from '../model/validate.ts'
import { unauthorizedResponse } from './answers.ts'
import { requestHeaderLines, setRequestHeaderLines } from './change-request.ts'
import type { RequestContext } from './context.ts'
import type { ConsumerDirectory } from './plugin.ts'

/** How a plugin recognised the request: the credential, and what X-Credential-Identifier says of it (key-auth: its id; basic-auth: its username; jwt: its key). */
export interface Recognised {
  credential: GatewayCredential
  identifier: string
}

/** The request is `consumer`'s, recognised by a credential, or (without one) the anonymous consumer's. */
export function authenticate(ctx: RequestContext, consumer: GatewayConsumer, recognised?: Recognised): void {
  ctx.consumer = consumer
  ctx.credential = recognised?.credential
  const set: Record<string, string | undefined> = {
    'x-consumer-id': consumer.id,
    'x-consumer-custom-id': consumer.custom_id,
    'x-consumer-username': consumer.username,
    'x-credential-identifier': recognised?.identifier,
    'x-anonymous-consumer': recognised ? undefined : 'true',
  }
  // A client's own X-Consumer-* lines never reach the upstream beside (or instead of) these.
  const kept = requestHeaderLines(ctx).filter(([name]) => !(name in set))
  // Names are text, as Kong's: sent as their UTF-8 bytes.
  const added = Object.entries(set).flatMap(([name, value]) => (value === undefined ? [] : [[name, utf8Field(value)] as const]))
  setRequestHeaderLines(ctx, [...kept, ...added])
}

/**
 * Whether an authentication plugin before this one already recognised a credential: with
 * `anonymous` set, this one then does nothing (Kong's logical OR between authentication plugins).
 */
export function alreadyAuthenticated(ctx: RequestContext, anonymous: string | null | undefined): boolean {
  return anonymous != null && ctx.credential !== undefined
}

/**
 * The consumer `anonymous` names (by id or username), found when the configuration loads: Kong
 * finds it per request and fails each with a 500 when it does not exist.
 */
export function anonymousConsumer(anonymous: string | null | undefined, directory: ConsumerDirectory, path: string): GatewayConsumer | undefined {
  if (anonymous == null) return undefined
  const consumer = directory.consumers.find((c) => c.id === anonymous) ?? directory.consumers.find((c) => c.username === anonymous)
  if (consumer) return consumer
  throw new ConfigError([{ path: joinPath(path, 'anonymous'), message: `anonymous consumer ${anonymous} is configured but doesn't exist` }])
}

/** What an authentication plugin's attempt found: the consumer's credential, or why not (the 401's message). */
export type Attempt = Recognised | string

/**
 * Kong's access phase of an authentication plugin around its attempt: with `anonymous` (its
 * consumer, found at load), the logical OR — nothing to do after another plugin recognised the
 * request, and a failed attempt makes it the anonymous consumer's; without, the logical AND — a
 * failed attempt is the 401 with the plugin's challenge.
 */
export async function authenticateRequest(
  ctx: RequestContext,
  anonymous: GatewayConsumer | undefined,
  challenge: string,
  attempt: () => Attempt | Promise<Attempt>,
): Promise<Response | undefined> {
  if (alreadyAuthenticated(ctx, anonymous?.id)) return undefined
  const found = await attempt()
  if (typeof found !== 'string') authenticate(ctx, found.credential.consumer, found)
  else if (anonymous !== undefined) authenticate(ctx, anonymous)
  else return unauthorizedResponse(found, challenge, ctx.requestId)
  return undefined
}
