// Loaded first into every benchmarked server (`node --expose-gc --import memory-probe.ts …`):
// on SIGUSR2 it collects all garbage and logs what the process still holds, so that the runner
// can tell the memory a request in flight keeps from the garbage it leaves behind.

process.on('SIGUSR2', () => {
  // Twice: the first collection finds dead ArrayBuffers (socket chunks, bodies), whose memory
  // `external` still counts until the next one.
  globalThis.gc?.()
  globalThis.gc?.()
  const { heapUsed, external } = process.memoryUsage()
  console.error(JSON.stringify({ msg: 'retained', bytes: heapUsed + external }))
})
