// Kong's request-transformer and response-transformer work on the Lua tables cjson and
// ngx.decode_args give them; these helpers give decoded JSON the same behaviour: Lua's
// truthiness (nil and false are false; JSON null is cjson.null, which is true), an array that
// takes no keys (cjson writes only its items back), and table.insert's way of appending.

export const luaTruthy = (value: unknown): boolean => value !== undefined && value !== false

/** A decoded JSON value's keys as Lua indexes them. */
export interface LuaTable {
  get(name: string): unknown
  set(name: string, value: unknown): void
  delete(name: string): void
}

/** The keys of a decoded object or array; undefined for a string, number, boolean or null, which Kong cannot index (a Lua error). */
export function luaTable(value: unknown): LuaTable | undefined {
  if (Array.isArray(value)) return { get: () => undefined, set: () => {}, delete: () => {} }
  if (typeof value !== 'object' || value === null) return undefined
  const object = value as Record<string, unknown>
  return {
    get: (name) => (Object.hasOwn(object, name) ? object[name] : undefined),
    set: (name, item) => defineKey(object, name, item),
    delete: (name) => delete object[name],
  }
}

/**
 * Lua's append_value: a string becomes a list of two, a list grows, and anything else is
 * replaced by a list of the value — but a decoded object is a table too: table.insert gives it
 * index 1, which cjson writes as `[value]` when the object was empty, else as the key "1".
 */
export function appendValue(current: unknown, value: unknown): unknown {
  if (typeof current === 'string') return [current, value]
  if (Array.isArray(current)) {
    current.push(value)
    return current
  }
  if (typeof current === 'object' && current !== null) {
    if (Object.keys(current).length === 0) return [value]
    return defineKey(current as Record<string, unknown>, '1', value)
  }
  return [value]
}

/** Sets a key; defineProperty keeps a key named `__proto__` an ordinary key. */
function defineKey(object: Record<string, unknown>, name: string, value: unknown): Record<string, unknown> {
  return Object.defineProperty(object, name, { value, enumerable: true, configurable: true, writable: true })
}
