// The process environment on Node/Deno, the bindings and secrets on Workers: only string
// values count (a Worker binding may be an object).

export type Env = Readonly<Record<string, unknown>>

export function envString(env: Env, name: string): string | undefined {
  const value = env[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}
