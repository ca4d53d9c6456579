// Exports no `handler`.
export const main = async () => 'never called'
