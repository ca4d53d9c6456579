// Kong's default payload: the query arguments and the parsed body, merged.
export const handler = async (event) => ({ message: `Hello, ${event.name ?? 'world'}!` })
