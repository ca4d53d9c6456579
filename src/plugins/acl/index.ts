// The acl plugin (Kong's kong/plugins/acl, priority 950): lets a request through when the
// consumer an authentication plugin recognised is in (`allow`) or not in (`deny`) one of the
// groups, and tells the upstream its groups in X-Consumer-Groups
// (https://github.com/Kong/kong/blob/master/kong/plugins/acl/handler.lua). A consumer's groups
// are its `acls` (with `include_consumer_groups`, its consumer groups' names too); groups an
// authentication plugin vouches for (`authenticatedGroups`) replace them for a request without
// a credential, or always with `always_use_authenticated_groups`.

import { utf8Field } from '../../http/field-text.ts'
import { errorResponse } from '../../pipeline/answers.ts'
import { requestHeaderLines, setRequestHeader, setRequestHeaderLines } from '../../pipeline/change-request.ts'
import type { RequestContext } from '../../pipeline/context.ts'
import type { PluginDefinition } from '../../pipeline/plugin.ts'
import { checkAllowDeny } from '../shared/allow-deny.ts'
import { type AclConfig, aclSchema } from './schema.ts'

const FORBIDDEN = 'You cannot consume this service'

export const aclPlugin: PluginDefinition<typeof aclSchema> = {
  name: 'acl',
  priority: 950,
  schema: aclSchema,
  check: (config) => checkAllowDeny(config, true),
  // Kong's `consumer = typedefs.no_consumer`: it acts on the consumer, so it cannot be scoped to one.
  noConsumer: true,
  create(config) {
    const deny = config.deny !== undefined && config.deny.length > 0
    const listed = new Set(deny ? config.deny : config.allow)
    return {
      access(ctx) {
        const found = groupsOf(ctx, config, deny)
        // Kong's 401 for a request nobody vouches for, its 403 for a credential without groups.
        if (!found) return errorResponse(ctx.credential ? 403 : 401, ctx.credential ? FORBIDDEN : 'Unauthorized', ctx.requestId)
        const { groups, header } = found
        if (groups.some((group) => listed.has(group)) === deny) return errorResponse(403, FORBIDDEN, ctx.requestId)
        if (config.hide_groups_header) return undefined
        // Kong sets the header to the groups joined; set empty (a consumer without groups), nginx
        // removes it: either way no line the client sent under that name reaches the upstream.
        if (groups.length > 0) setRequestHeader(ctx, header, utf8Field(groups.join(', ')))
        else
          setRequestHeaderLines(
            ctx,
            requestHeaderLines(ctx).filter(([line]) => line !== header),
          )
        return undefined
      },
    }
  },
}

/** The groups to check and the header that tells them; none when there is nothing to check against `allow`. */
function groupsOf(ctx: RequestContext, config: AclConfig, deny: boolean): { groups: readonly string[]; header: string } | undefined {
  const authenticated = !ctx.consumer || !ctx.credential || config.always_use_authenticated_groups ? ctx.authenticatedGroups : undefined
  if (authenticated) return { groups: authenticated, header: 'x-authenticated-groups' }
  if (!ctx.consumer) return undefined
  const groups = config.include_consumer_groups ? [...ctx.consumer.acls, ...ctx.consumer.groups.map((group) => group.name)] : ctx.consumer.acls
  // A consumer without groups passes a `deny` list, and has nothing an `allow` list could name.
  if (groups.length === 0 && !deny) return undefined
  return { groups, header: 'x-consumer-groups' }
}
