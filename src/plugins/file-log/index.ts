// The file-log plugin (Kong's kong/plugins/file-log, priority 9): each request's Kong log entry
// (src/pipeline/serialize.ts) appended to a file as one JSON line, on Node and Deno. A Worker has
// no file system: refused there at load
// (https://github.com/Kong/kong/blob/master/kong/plugins/file-log/handler.lua).

import { describeError } from '../../log.ts'
import { ConfigError, joinPath } from '../../model/validate.ts'
import type { PluginDefinition } from '../../pipeline/plugin.ts'
import { serialize } from '../../pipeline/serialize.ts'
import { fileLogSchema } from './schema.ts'

export const fileLogPlugin: PluginDefinition<typeof fileLogSchema> = {
  name: 'file-log',
  priority: 9,
  schema: fileLogSchema,
  create(config, setup) {
    const files = setup.services.logFiles
    const refused = (message: string) => new ConfigError([{ path: joinPath(setup.path, 'path'), message }])
    if (files === undefined) throw refused('not supported on Cloudflare Workers: a Worker has no file system; send the entries with http-log')
    const problem = files.problem?.(config.path)
    if (problem !== undefined) throw refused(problem)
    const file = files.open(config.path, config.reopen)
    return {
      log(ctx, served) {
        return file.append(`${JSON.stringify(serialize(ctx, served))}\n`).catch((error) => {
          ctx.log.error(`file-log: ${describeError(error)}`, { request_id: ctx.requestId, path: config.path })
        })
      },
    }
  },
}
