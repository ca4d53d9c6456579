// Writes a chunk, then fails: the stream ends with InvokeComplete's ErrorCode.
export const handler = awslambda.streamifyResponse(async (_event, responseStream) => {
  responseStream.write('partial\n')
  await new Promise((resolve) => setTimeout(resolve, 5))
  throw new TypeError('broke mid-stream')
})
