// forward_request_* payload: returns what the gateway sent, so you can see every field.
export const handler = async (event, context) => ({ event, requestId: context.awsRequestId })
