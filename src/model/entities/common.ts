// What every entity of the declarative format has (Kong's `id`, `tags`, timestamps, and the
// declarative format's `_comment` and `_ignore`), and Kong's typedefs the entities share
// (https://github.com/Kong/kong/blob/master/kong/db/schema/typedefs.lua).

import type { Schema } from '../schema.ts'

/** Kong's `typedefs.tag`: printable ASCII but `,` and `/`, or UTF-8 beyond ASCII. */
function checkTag(tag: string): string | undefined {
  return /^[ !-+\-.0-~\u0080-\u{10FFFF}]+$/u.test(tag)
    ? undefined
    : `invalid tag '${tag}': expected printable ascii (except \`,\` and \`/\`) or valid utf-8 sequences`
}

/** Kong's `typedefs.utf8_name` (service, route, consumer group, plugin instance names). */
export function checkUtf8Name(name: string): string | undefined {
  return /^[A-Za-z0-9.\-_~\u0080-\u{10FFFF}]+$/u.test(name)
    ? undefined
    : `invalid value '${name}': the only accepted ascii characters are alphanumerics or ., -, _, and ~`
}

/** A PEM block whose label matches and whose body is base64 DER (a SEQUENCE); Kong loads it with OpenSSL. */
export function isPemBlock(pem: string, label: RegExp): boolean {
  const block = /^\s*-----BEGIN ([A-Z0-9 ]+)-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END \1-----\s*$/.exec(pem)
  if (!block || !label.test(block[1])) return false
  try {
    return atob(block[2].replace(/\s+/g, '')).charCodeAt(0) === 0x30
  } catch {
    return false
  }
}

export const metadata = {
  /** The entity's UUID; other entities may name it by it. */
  id: { type: 'string', uuid: true },
  /** Labels (decK selects entities by them); no effect here. */
  tags: { type: 'array', elements: { type: 'string', check: checkTag } },
  /** Ignored (set by Kong). */
  created_at: { type: 'number', ignored: true },
  /** Ignored (set by Kong). */
  updated_at: { type: 'number', ignored: true },
  /** A comment (Kong's declarative format); ignored. */
  _comment: { type: 'string', ignored: true },
  /** Anything (Kong's declarative format); ignored. */
  _ignore: { type: 'array', elements: { type: 'any' }, ignored: true },
} as const satisfies Schema
