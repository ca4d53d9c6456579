// The entity checks of Kong's plugins with an `allow` and a `deny` list (acl, ip-restriction),
// in Kong's words: an empty list counts as none (kong/db/schema/init.lua's `is_nonempty`).

const FIELDS = "'config.allow', 'config.deny'"

/** Kong's `only_one_of` (with `exactlyOne`) and `at_least_one_of` on `config.allow` and `config.deny`, in that order. */
export function checkAllowDeny(config: { allow?: readonly unknown[]; deny?: readonly unknown[] }, exactlyOne: boolean): string[] {
  const set = [config.allow, config.deny].filter((list) => list !== undefined && list.length > 0).length
  return [
    ...(exactlyOne && set !== 1 ? [`exactly one of these fields must be non-empty: ${FIELDS}`] : []),
    ...(set === 0 ? [`at least one of these fields must be non-empty: ${FIELDS}`] : []),
  ]
}
