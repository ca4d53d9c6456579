// Tests that start a child process: their timeout, and `npm run check` as a deploy pipeline
// runs it, given only the environment a test names (none of this machine's AWS_, DECK_ or
// GATEWAY_ variables, NODE_OPTIONS or LOG_LEVEL), its exit code and output.

import { spawnSync } from 'node:child_process'

const ROOT = new URL('../..', import.meta.url).pathname

/**
 * For a test that starts such a process: Node takes seconds to start the gateway's sources on a
 * loaded machine, past vitest's 5 s default, which a synchronous test cannot outlast.
 */
export const CHILD_PROCESS_TEST = { timeout: 60_000 }

export function runCheck(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(AWS_|NODE_OPTIONS$|LOG_LEVEL$|DECK_|GATEWAY_)/.test(name)))
  const run = spawnSync(process.execPath, ['src/check.ts', ...args], { cwd: ROOT, env: { ...clean, ...env }, encoding: 'utf8', timeout: 50_000 })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}
