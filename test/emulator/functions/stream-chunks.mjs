// Streams three lines as text/plain, one write each, the last after a pause.
export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  responseStream.setContentType('text/plain')
  responseStream.write(`first ${event.name ?? 'anonymous'}\n`)
  responseStream.write('second\n')
  await new Promise((resolve) => setTimeout(resolve, 20))
  responseStream.write('third\n')
  responseStream.end()
})
