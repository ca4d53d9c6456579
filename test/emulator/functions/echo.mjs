// Returns the event as received.
export const handler = async (event) => event
