// Response streaming: server-sent events, one every 300 ms (`?count=N`, at most 20), each sent
// as it is written. `curl -N` prints them one by one.
export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const stream = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 200,
    headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' },
  })
  const count = Math.min(Number(event.count) || 5, 20)
  for (let i = 1; i <= count; i++) {
    if (i > 1) await new Promise((resolve) => setTimeout(resolve, 300))
    stream.write(`data: tick ${i} of ${count} at ${new Date().toISOString()}\n\n`)
  }
  stream.end()
})
