// An HTTP integration answer: the prelude (status, headers, cookies), then the body.
export const handler = awslambda.streamifyResponse(async (_event, responseStream) => {
  const stream = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 201,
    headers: { 'Content-Type': 'text/event-stream', 'X-Streamed': 'yes' },
    cookies: ['a=1; Path=/'],
  })
  stream.write('data: one\n\n')
  stream.write('data: two\n\n')
  stream.end()
})
