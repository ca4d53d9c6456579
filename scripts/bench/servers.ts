// Each benchmarked server in a child process of its own, so that its memory is its own:
// started with a command line, ready when it logs its `"msg":"listening"` line on stderr.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

export interface Usage {
  /** Resident set now, MiB. */
  rssMiB: number
  /** Peak resident set since the process started (VmHWM), MiB. */
  peakMiB: number
  /** CPU time used so far (user + system), ms: per request, the cost that contention on a shared machine hardly changes. */
  cpuMs: number
  /** The user-mode part of cpuMs: the process's own code, without the system calls, which vary more with the machine's load. */
  userMs: number
}

export interface RunningServer {
  url: string
  pid: number
  usage(): Usage
  /** What the process holds once every garbage is collected (heap used + external), in bytes, from memory-probe.ts. */
  retainedBytes(): Promise<number>
  stop(): Promise<void>
}

const PROBE = join(import.meta.dirname, 'memory-probe.ts')
/** How memory-probe.ts's line starts. */
const RETAINED_LINE = '{"msg":"retained"'

/**
 * Starts `node ARGS` (with memory-probe.ts loaded first) and resolves once it listens; rejects
 * with its last output if it exits first.
 */
export function startServer(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  return startCommand(process.execPath, ['--expose-gc', '--import', PROBE, ...args], env)
}

/** Starts `command ARGS` (another runtime: no memory probe, so no retainedBytes) and resolves once it listens. */
export function startCommand(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'pipe'], env })
  const lines = new EventEmitter<{ line: [string] }>()
  let tail = ''
  return new Promise((resolve, reject) => {
    const exited = (code: number | null) => reject(new Error(`${command} ${args.join(' ')} exited (${code}) before listening:\n${tail}`))
    child.once('exit', exited)
    // Read to the end: a full pipe would block the server's log writes.
    createInterface({ input: child.stderr! }).on('line', (line) => {
      lines.emit('line', line)
      tail = `${tail.slice(-4000)}${line}\n`
      const url = listeningUrl(line)
      if (url === undefined) return
      child.off('exit', exited)
      resolve({ url, pid: child.pid!, usage: () => usageOf(child.pid!), retainedBytes: () => retained(child, lines), stop: () => stop(child) })
    })
  })
}

function listeningUrl(line: string): string | undefined {
  if (!line.includes('"listening"')) return undefined
  try {
    const { msg, url } = JSON.parse(line) as { msg?: string; url?: string }
    return msg === 'listening' ? url : undefined
  } catch {
    return undefined
  }
}

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }))

/** From /proc (Linux), so no server has to report on itself; with its child processes' (workerd under Miniflare). */
function usageOf(pid: number): Usage {
  const tree = [pid, ...descendantsOf(pid)].map(processUsage)
  return {
    rssMiB: sum(tree.map((u) => u.rssMiB)),
    peakMiB: sum(tree.map((u) => u.peakMiB)),
    cpuMs: sum(tree.map((u) => u.cpuMs)),
    userMs: sum(tree.map((u) => u.userMs)),
  }
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)

function descendantsOf(pid: number): number[] {
  let children: number[]
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number)
  } catch {
    return []
  }
  return children.flatMap((child) => [child, ...descendantsOf(child)])
}

function processUsage(pid: number): Usage {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  // utime and stime are the 14th and 15th fields; the name before them may hold spaces.
  const [utime, stime] = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ').slice(11, 13).map(Number)
  const ms = (ticks: number) => (ticks * 1000) / CLOCK_TICKS_PER_SECOND
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024, cpuMs: ms(utime + stime), userMs: ms(utime) }
}

function retained(child: ChildProcess, lines: EventEmitter<{ line: [string] }>): Promise<number> {
  return new Promise((resolve) => {
    const read = (line: string) => {
      if (!line.startsWith(RETAINED_LINE)) return
      lines.off('line', read)
      resolve((JSON.parse(line) as { bytes: number }).bytes)
    }
    lines.on('line', read)
    child.kill('SIGUSR2')
  })
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}
