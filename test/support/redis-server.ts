// A real Redis for the tests: Debian's `redis-server` from PATH (`.ci/run` installs it), on a
// free loopback port, without persistence, ended with the test. It can be killed and started
// again on the same port, or paused (it holds every write until resumed), for the fault tests. Where it is not installed the Redis cases are skipped by name. Runs under
// Node (vitest) and Deno.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { closedPort } from './closed-port.ts'

/** Whether `redis-server` is on PATH: without it the Redis cases are skipped (named on the closing lines of `npm test`). */
export const HAS_REDIS = (() => {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

export interface RedisServer {
  readonly port: number
  /** With `tls`: the port that speaks TLS. */
  readonly tlsPort?: number
  /** SIGKILL, as a crash: connections drop without a goodbye. */
  kill(): Promise<void>
  /** Starts it again on the same port, empty (no persistence), after kill(). */
  restart(): Promise<void>
  /**
   * CLIENT PAUSE WRITE: every write (the scripts that count, INCRBY) waits until resume(), a
   * Redis too slow for any timeout; reads are still answered.
   */
  pause(): Promise<void>
  resume(): Promise<void>
  /** A command's reply, over a connection of its own (e.g. `['GET', key]`). */
  command(args: readonly string[]): Promise<string>
  stop(): Promise<void>
}

export interface RedisServerOptions {
  /** Extra `redis-server` arguments (`--requirepass`, `--user`). */
  args?: readonly string[]
  /** Also listen with TLS on `tlsPort`, with test/support/tls/upstream.pem (signed by the test CA). */
  tls?: boolean
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await closedPort()
  const tlsPort = options.tls ? await closedPort() : undefined
  const dir = mkdtempSync(join(tmpdir(), 'lambda-gateway-redis-'))
  let child: ChildProcess | undefined

  async function start() {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', '']
    if (tlsPort !== undefined) {
      const file = (name: string) => fileURLToPath(new URL(`./tls/${name}`, import.meta.url))
      args.push('--tls-port', String(tlsPort), '--tls-cert-file', file('upstream.pem'), '--tls-key-file', file('upstream-key.pem'), '--tls-auth-clients', 'no')
    }
    args.push(...(options.args ?? []))
    const started = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    child = started
    let output = ''
    started.stdout?.on('data', (chunk) => (output += chunk))
    started.stderr?.on('data', (chunk) => (output += chunk))
    const exited = new Promise<never>((_, reject) => started.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`))))
    try {
      await Promise.race([waitForAnswer(port), exited])
    } catch (error) {
      await stopped()
      throw error
    }
  }

  function stopped(): Promise<void> {
    const running = child
    child = undefined
    if (!running || running.exitCode !== null || running.signalCode !== null) return Promise.resolve()
    return new Promise((resolve) => {
      running.once('exit', () => resolve())
      running.kill('SIGKILL')
    })
  }

  // A test process that ends without stop() (a timeout, an interrupted run) leaves no server behind.
  const orphaned = () => child?.kill('SIGKILL')
  process.once('exit', orphaned)
  await start()
  return {
    port,
    ...(tlsPort === undefined ? {} : { tlsPort }),
    kill: stopped,
    restart: start,
    // Not SIGSTOP: under Deno a child gets no signal after its first, and Deno.kill needs every run permission.
    pause: () => sendCommand(port, ['CLIENT', 'PAUSE', '600000', 'WRITE']).then(() => undefined),
    resume: () => sendCommand(port, ['CLIENT', 'UNPAUSE']).then(() => undefined),
    command: (args) => sendCommand(port, args),
    async stop() {
      process.off('exit', orphaned)
      await stopped()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** PING until Redis answers (PONG, or NOAUTH when it wants a password): it listens a moment after it starts. */
async function waitForAnswer(port: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await sendCommand(port, ['PING'])
      return
    } catch (error) {
      if (/^NOAUTH/.test((error as Error).message)) return
      if (attempt > 200) throw error
    }
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** One command in RESP over a fresh connection; the reply as text (an integer's digits, a bulk string's bytes, `(nil)`). */
function sendCommand(port: number, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let reply = ''
    socket.setEncoding('utf8')
    socket.on('error', reject)
    socket.on('data', (chunk: string) => {
      reply += chunk
      const parsed = parseReply(reply)
      if (parsed === undefined) return
      socket.destroy()
      if (parsed instanceof Error) reject(parsed)
      else resolve(parsed)
    })
    socket.write(`*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`)
  })
}

/** A simple, error, integer or bulk reply once complete; undefined until then. */
function parseReply(reply: string): string | Error | undefined {
  const end = reply.indexOf('\r\n')
  if (end < 0) return undefined
  const line = reply.slice(1, end)
  switch (reply[0]) {
    case '+':
    case ':':
      return line
    case '-':
      return new Error(line)
    case '$': {
      const length = Number(line)
      if (length < 0) return '(nil)'
      return reply.length >= end + 2 + length + 2 ? reply.slice(end + 2, end + 2 + length) : undefined
    }
    default:
      return new Error(`unexpected reply ${JSON.stringify(reply)}`)
  }
}
