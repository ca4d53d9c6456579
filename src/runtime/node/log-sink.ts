// The Node entry's log lines go to stderr with the lines of one event-loop turn in one write.
// Under load a write per line (console.error's) is a system call per request, and each costs
// more when the pipe's reader (a log shipper, a container runtime) lags. A line waits at most
// until the turn ends; lines still waiting when the process exits are written then.

let pending: string[] = []

function flush(): void {
  if (pending.length === 0) return
  const text = pending.join('\n')
  pending = []
  // Written to the stream directly: console.error adds and removes an error listener and
  // formats its arguments on every call.
  process.stderr.write(`${text}\n`)
}

// A log line that cannot be written (the reader of the pipe has gone) is dropped rather than
// ending the process: stderr's error would otherwise be uncaught (console.error's was too).
process.stderr.on('error', () => {})

process.on('exit', flush)

export function batchedStderr(line: string): void {
  if (pending.push(line) === 1) setImmediate(flush)
}
