// What Kong's argument parsing should give for key/value pairs a test generated: written from
// the rule, not by calling the parser under test.

import type { Args, ArgValue } from '../../src/http/url-args.ts'

/** One value as is, a repeated key as the list of its values. */
export function expectedArgs(entries: ReadonlyArray<readonly [string, string]>): Args {
  const args = new Map<string, ArgValue>()
  for (const [key, value] of entries) {
    const previous = args.get(key)
    args.set(key, previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value])
  }
  return Object.fromEntries(args)
}
