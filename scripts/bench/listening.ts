// How every benchmark server says it is ready: the line the gateway itself logs on start
// (`"msg":"listening"` with its url, on stderr), so the runner waits for all of them alike.

export function announce(port: number): void {
  console.error(JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${port}` }))
}
