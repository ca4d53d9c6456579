// request-transformer's header operations, in Kong's order and with Kong's conditions
// (access.lua's transform_headers), on the request's header lines. Names compare without case
// (a rename that only changes a name's case changes nothing a function or upstream can see
// here). replace, add and append look a name with `_` up written with `-` too, as Kong's headers
// table does; replace and append then set it under the configured name, beside the one found, as
// Kong's do. `Host` is apart, as in Kong: it cannot be removed, renamed or added, only set by
// replace (or append, or a rename onto it).

import { headerTableNames } from '../../pipeline/change-request.ts'
import { entries, type Operations } from './entries.ts'

type HeaderLines = ReadonlyArray<readonly [string, string]>

/** The header lines after the operations; `host`: the Host an operation set, if one did (Kong then sends it upstream). */
export function transformHeaders(lines: HeaderLines, operations: Operations): { lines: Array<[string, string]>; host?: string } {
  const host = lines.filter(([name]) => name === 'host').map(([, value]) => value)
  const headers = new Map<string, string[]>()
  for (const [name, value] of lines) {
    if (name !== 'host') headers.set(name, [...(headers.get(name) ?? []), value])
  }
  /** A header's values as Kong's headers table finds them (a name with `_` also finds it written with `-`). */
  const found = (lower: string) => {
    for (const name of headerTableNames(lower)) {
      const values = headers.get(name)
      if (values) return values
    }
    return undefined
  }
  let newHost: string[] | undefined
  /** Kong's headers table, where `host` was taken out and comes back only when set. */
  const set = (name: string, values: string[]) => {
    if (name === 'host') newHost = values
    else headers.set(name, values)
  }
  for (const { name } of entries(operations.remove)) headers.delete(name.toLowerCase())
  for (const { name, value } of entries(operations.rename)) {
    const [from, to] = [name.toLowerCase(), value.toLowerCase()]
    const values = headers.get(from)
    if (from === to || values === undefined) continue
    headers.delete(from)
    set(to, values)
  }
  // An entry without a value sets nothing in Kong (the header's value would be nil).
  for (const { name, value } of entries(operations.replace)) {
    const lower = name.toLowerCase()
    if (value !== '' && (found(lower) || lower === 'host')) set(lower, [value])
  }
  for (const { name, value } of entries(operations.add)) {
    const lower = name.toLowerCase()
    if (value !== '' && !found(lower) && lower !== 'host') headers.set(lower, [value])
  }
  for (const { name, value } of entries(operations.append)) {
    const lower = name.toLowerCase()
    if (value !== '') set(lower, [...(lower === 'host' ? [] : (found(lower) ?? [])), value])
  }
  const result: Array<[string, string]> = (newHost ?? host).map((value) => ['host', value])
  for (const [name, values] of headers) for (const value of values) result.push([name, value])
  const setHost = newHost?.at(-1)
  return setHost === undefined ? { lines: result } : { lines: result, host: setHost }
}
