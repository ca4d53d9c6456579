// Returns what JSON cannot encode: a BigInt, an object that contains itself, or one whose toJSON throws.
export async function handler(event) {
  if (event.kind === 'bigint') return { total: 10n }
  if (event.kind === 'toJSON')
    return {
      toJSON: () => {
        throw new Error('no JSON for you')
      },
    }
  const cycle = { name: 'cycle' }
  cycle.self = cycle
  return cycle
}
