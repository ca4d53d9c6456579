// The correlation-id plugin (Kong's kong/plugins/correlation-id, priority 100001): a request
// without the header gets one (so the function's event and the request's log line carry it),
// and with `echo_downstream` the answer carries it too, whoever answered
// (https://github.com/Kong/kong/blob/master/kong/plugins/correlation-id/handler.lua).

import { withEditedHeaders } from '../../http/edit-headers.ts'
import { invalidCharacter, isFieldName } from '../../http/field-syntax.ts'
import { ConfigError, joinPath } from '../../model/validate.ts'
import { firstHeaderLine, setRequestHeader } from '../../pipeline/change-request.ts'
import type { PluginDefinition } from '../../pipeline/plugin.ts'
import { RequestSlot } from '../../pipeline/request-slot.ts'
import { generators } from './generators.ts'
import { correlationIdSchema } from './schema.ts'

export const correlationIdPlugin: PluginDefinition<typeof correlationIdSchema> = {
  name: 'correlation-id',
  priority: 100001,
  schema: correlationIdSchema,
  create(config, setup) {
    const generate = setup.services.once('correlation-id', generators)[config.generator]
    const header = config.header_name
    if (!isFieldName(header)) {
      throw new ConfigError([
        { path: joinPath(setup.path, 'header_name'), message: `cannot be sent as a header name: ${invalidCharacter(header, isFieldName)}` },
      ])
    }
    /** The id each request was given in access (Kong's kong.ctx.plugin). */
    const given = new RequestSlot<string>()
    return {
      access(ctx) {
        let id = firstHeaderLine(ctx, header)
        if (!id) {
          id = generate(ctx)
          setRequestHeader(ctx, header, id)
        }
        ctx.logFields.correlation_id = id
        if (config.echo_downstream) given.set(ctx, id)
        return undefined
      },
      response(ctx, response) {
        if (!config.echo_downstream) return response
        const id = given.get(ctx) || firstHeaderLine(ctx, header) || generate(ctx)
        return withEditedHeaders(response, (headers) => headers.set(header, id))
      },
    }
  },
}
