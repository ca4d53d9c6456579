// The Node entry's batched log sink: the lines of one event-loop turn leave in one write, in
// order, and lines still waiting when the process exits are not lost.

import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { CHILD_PROCESS_TEST } from '../../support/child-process.ts'

const SINK = fileURLToPath(new URL('../../../src/runtime/node/log-sink.ts', import.meta.url))

/** Runs `body` in a Node process with batchedStderr imported; its stderr, and how many writes it took. */
function run(body: string): { stderr: string; writes: number } {
  const script = `
    import { batchedStderr } from ${JSON.stringify(SINK)}
    let writes = 0
    const write = process.stderr.write.bind(process.stderr)
    process.stderr.write = (...args) => { writes++; return write(...args) }
    process.on('exit', () => process.stdout.write(String(writes)))
    ${body}
  `
  const { stderr, stdout } = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
  return { stderr, writes: Number(stdout) }
}

describe('batchedStderr', CHILD_PROCESS_TEST, () => {
  it('writes the lines of one turn together, in order, and each turn apart', () => {
    const { stderr, writes } = run(`
      batchedStderr('a'); batchedStderr('b'); batchedStderr('c')
      setTimeout(() => batchedStderr('d'), 10)
    `)
    expect(stderr).toBe('a\nb\nc\nd\n')
    expect(writes).toBe(2)
  })

  it('drops lines once the reader of its pipe has gone, and the process goes on', async () => {
    const script = `
      import { batchedStderr } from ${JSON.stringify(SINK)}
      let turns = 0
      const timer = setInterval(() => {
        batchedStderr('a line nobody reads '.repeat(100))
        if (++turns === 20) {
          clearInterval(timer)
          process.stdout.write('still running')
        }
      }, 5)
    `
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] })
    child.stderr.destroy()
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk
    })
    const [code] = await once(child, 'exit')
    expect([code, stdout]).toEqual([0, 'still running'])
  })

  it('writes what is waiting when the process exits before the turn ends', () => {
    const { stderr } = run(`batchedStderr('last words'); process.exit(3)`)
    expect(stderr).toBe('last words\n')
  })
})
