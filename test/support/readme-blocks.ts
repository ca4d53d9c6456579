// The shell blocks of README.md, and a way to run one as a reader would: bash in the
// repository's root, a server a line starts (`npm start …`) left running in the background until
// the block ends, and the addresses and files the block names replaced by the test's own.

import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = new URL('../..', import.meta.url).pathname

export interface ShellBlock {
  /** Its first line in README.md (1-based), for messages. */
  line: number
  text: string
}

/** The blocks call curl, as a reader would; `.ci/run` installs it where it is missing. */
export const HAS_CURL = spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0

export function readmeShellBlocks(): ShellBlock[] {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n')
  const blocks: ShellBlock[] = []
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(?:sh|bash|shell)$/.test(lines[i])) continue
    const start = i + 1
    while (i + 1 < lines.length && !lines[i + 1].startsWith('```')) i++
    blocks.push({ line: start + 1, text: lines.slice(start, i + 1).join('\n') })
    i++
  }
  return blocks
}

/**
 * Runs `text` with each `[from, to]` of `replace` applied; a line that starts a server runs in
 * the background until it says it listens. Resolves with bash's exit code and everything printed.
 */
export function runShellBlock(
  text: string,
  options: { replace?: Array<[string, string]>; env?: NodeJS.ProcessEnv },
): Promise<{ code: number; output: string }> {
  let script = text
  for (const [from, to] of options.replace ?? []) script = script.replaceAll(from, to)
  let servers = 0
  const lines = script.split('\n').map((line) => {
    if (!/^(?:\w+=\S+ )*npm start\b/.test(line)) return line
    const log = `"$LOGS/server-${++servers}.log"`
    const command = line.replace(/\s+#.*$/, '')
    return `${command} > ${log} 2>&1 &\nfor _ in $(seq 300); do grep -q '"msg":"listening"' ${log} && break; sleep 0.05; done; cat ${log}`
  })
  // The block's own exit status, once the servers it started are stopped: each in a process group
  // of its own (`set -m`), stopped whole, since npm's SIGTERM does not always reach the node under it.
  const stop = 'code=$?; for job in $(jobs -p); do kill -- "-$job" 2>/dev/null; done; wait; exit $code'
  const bash = `set -eo pipefail\nset -m\nLOGS=$(mktemp -d)\ntrap '${stop}' EXIT\n${lines.join('\n')}\n`
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', bash], { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.once('close', (code) => resolve({ code: code ?? -1, output }))
  })
}
