// The request body as key-auth reads it (Kong's `kong.request.get_body`, as aws-lambda reads it:
// a form, JSON or multipart body by its Content-Type; anything else, or a body that cannot be
// read as its type, has no fields) and writes it back without the key
// (`kong.service.request.set_body`: a form's fields sorted, JSON encoded again).

import type { Bytes } from '../../encoding/base64.ts'
import { type ArgValue, orderedQuery } from '../../http/url-args.ts'
import { setRequestHeader } from '../../pipeline/change-request.ts'
import type { RequestContext } from '../../pipeline/context.ts'
import { bodyKind, parseBodyArgs } from '../aws-lambda/request-args.ts'
import { transformMultipartBody } from '../request-transformer/multipart.ts'

export interface BodyFields {
  /** The field's value: a string, a list or object (a name sent twice), or another JSON value. */
  get(name: string): unknown
  /** Writes the body back without the field `name`. */
  remove(ctx: RequestContext, name: string): void
}

const encoder = new TextEncoder()
const NO_OPERATIONS = { remove: [], rename: [], replace: [], add: [], append: [] }

/** The body's fields, or undefined when Kong's get_body fails. */
export async function readBodyFields(ctx: RequestContext): Promise<BodyFields | undefined> {
  const contentType = ctx.headers.get('content-type')
  const kind = bodyKind(contentType)
  if (kind === undefined) return undefined
  const body = await ctx.readBody()
  const parsed = await parseBodyArgs(contentType, body, ctx.bodyTooLarge())
  if (parsed.kind !== 'parsed') return undefined
  const fields = parsed.args as Record<string, unknown>
  return {
    get: (name) => (Object.hasOwn(fields, name) ? fields[name] : undefined),
    remove(ctx, name) {
      let changed: Bytes | undefined
      if (kind === 'multipart') changed = transformMultipartBody(body, contentType!, { ...NO_OPERATIONS, remove: [name] })
      else {
        if (!Array.isArray(fields)) delete fields[name]
        changed = encoder.encode(kind === 'form' ? orderedQuery(Object.entries(fields as Record<string, ArgValue>)) : JSON.stringify(fields)) as Bytes
      }
      if (changed === undefined) return
      ctx.setBody(changed)
      setRequestHeader(ctx, 'content-length', String(changed.byteLength))
    },
  }
}
