// The Node entry's log lines go to stderr with the lines of one event-loop turn in one write.
// Under load a write per line (console.error's) is a system call per request, and each costs
// more when the pipe's reader (a log shipper, a container runtime) lags. A line waits at most
// until the turn ends; lines still waiting when the process exits are written then.

let pending: string[] = []

function flush(): void {
  if (pending.length === 0) return
  const text = pending.join('\n')
  pending = []
  console.error(text)
}

process.on('exit', flush)

export function batchedStderr(line: string): void {
  if (pending.push(line) === 1) setImmediate(flush)
}
