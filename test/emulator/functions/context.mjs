// Returns what the runtime put in the context object.
export async function handler(_event, context) {
  const { getRemainingTimeInMillis, ...fields } = context
  return { ...fields, remainingMs: getRemainingTimeInMillis() }
}
