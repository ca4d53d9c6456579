// Invoked asynchronously (invocation_type: Event): the client has its 202 before this runs.
export const handler = async (event) => {
  console.log(`job received: ${JSON.stringify(event)}`)
}
