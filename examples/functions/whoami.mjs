// Who is calling, as a function behind API Gateway sees it: the authorizer's claims (jwt) and the
// identity (key-auth), and the consumer Kong's headers name.
export const handler = async (event) => {
  const header = (name) => event.headers?.[name] ?? null
  const body = {
    authorizer: event.requestContext?.authorizer ?? null,
    apiKeyId: event.requestContext?.identity?.apiKeyId ?? null,
    consumer: { id: header('x-consumer-id'), username: header('x-consumer-username') },
  }
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
}
