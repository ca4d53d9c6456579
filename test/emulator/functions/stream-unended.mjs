// Returns without ending its stream: Lambda ends it.
export const handler = awslambda.streamifyResponse(async (_event, responseStream) => {
  responseStream.write('not ended\n')
})
