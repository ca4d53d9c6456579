// Returns undefined.
export const handler = async () => {}
