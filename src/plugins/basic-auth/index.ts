// The basic-auth plugin (Kong's kong/plugins/basic-auth, priority 1100): the request is the
// consumer whose username and password it carries in `Proxy-Authorization` or `Authorization`
// (https://github.com/Kong/kong/blob/master/kong/plugins/basic-auth/access.lua).

import { type Attempt, anonymousConsumer, authenticateRequest } from '../../pipeline/authenticate.ts'
import { requestHeaderLines, setRequestHeaderLines } from '../../pipeline/change-request.ts'
import type { RequestContext } from '../../pipeline/context.ts'
import type { PluginDefinition } from '../../pipeline/plugin.ts'
import { type BasicCredentials, basicCredentials } from './authorization.ts'
import { type CredentialIndex, indexCredentials, passwordMatches } from './passwords.ts'
import { basicAuthSchema } from './schema.ts'

const UNAUTHORIZED = 'Unauthorized'

export const basicAuthPlugin: PluginDefinition<typeof basicAuthSchema> = {
  name: 'basic-auth',
  priority: 1100,
  schema: basicAuthSchema,
  noConsumer: true,
  create(config, setup) {
    const anonymous = anonymousConsumer(config.anonymous, setup.consumers, setup.path)
    const index = setup.services.once('basic-auth:credentials', () => indexCredentials(setup.consumers.credentials.basicauth))
    const challenge = `Basic realm="${config.realm}"`
    return {
      access: (ctx) => authenticateRequest(ctx, anonymous, challenge, () => attempt(ctx, config.hide_credentials, index)),
    }
  },
}

/**
 * Kong's order: `Proxy-Authorization` first; when its credentials name no known username,
 * `Authorization`. With `hide_credentials`, each header read is removed (so `Authorization`
 * stays when `Proxy-Authorization` named a known username, as in Kong).
 */
async function attempt(ctx: RequestContext, hide: boolean, index: CredentialIndex): Promise<Attempt> {
  const authorization = firstHeader(ctx, 'authorization')
  const proxyAuthorization = firstHeader(ctx, 'proxy-authorization')
  if (authorization === undefined && proxyAuthorization === undefined) return UNAUTHORIZED
  const credentials = await index
  let presented = read(ctx, 'proxy-authorization', proxyAuthorization, hide)
  let entry = presented && credentials.get(presented.username)
  if (entry === undefined) {
    presented = read(ctx, 'authorization', authorization, hide)
    if (presented === undefined) return UNAUTHORIZED
    entry = credentials.get(presented.username)
  }
  if (entry === undefined || !(await passwordMatches(entry, presented!.password))) return UNAUTHORIZED
  return { credential: entry.credential, identifier: entry.credential.username }
}

/** The header's first line, as `kong.request.get_header` gives it. */
function firstHeader(ctx: RequestContext, name: string): string | undefined {
  return requestHeaderLines(ctx).find(([line]) => line === name)?.[1]
}

function read(ctx: RequestContext, name: string, header: string | undefined, hide: boolean): BasicCredentials | undefined {
  if (hide)
    setRequestHeaderLines(
      ctx,
      requestHeaderLines(ctx).filter(([line]) => line !== name),
    )
  return header === undefined ? undefined : basicCredentials(header)
}
