// The README's shell blocks, run as a reader would run them on a fresh clone (npm ci done):
// every block is either run here (or by test/cli/demo.test.ts, which has the demo running) or
// skipped by name with why it cannot run offline. A block the README gains is neither until it
// is given a place below, which fails the first case.

import { mkdtempSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startNodeServer } from '../../src/node.ts'
import { closedPort } from '../support/closed-port.ts'
import { HAS_CURL, readmeShellBlocks, runShellBlock } from '../support/readme-blocks.ts'
import { until } from '../support/server-limit-checks.ts'

/** Each block by its first line: run here, run by the demo's test, or why it cannot run offline. */
const PLACES: Array<[RegExp, 'here' | 'demo' | { skip: string }]> = [
  [/^npm ci && npm start /, 'demo'],
  [/^curl -i localhost:8000\/private /, 'demo'],
  [/^npm run check -- --config examples\/my-function\.yml/, 'here'],
  [/^npx wrangler login/, { skip: 'it deploys to a Cloudflare account (wrangler login, secrets, deploy), which needs the network' }],
  [/^docker build/, { skip: 'Docker does not run on the build machines' }],
  [/^npm run --silent check -- --config kong\.yml &&$/, 'here'],
  [
    /^mkdir -p dist && npm run --silent check -- --config kong\.yml --workers --print-json > dist\/gateway-config\.json &&$/,
    { skip: 'it writes to a KV namespace of a Cloudflare account' },
  ],
  [/^STATUS_LISTEN=/, 'here'],
]

const BLOCKS = readmeShellBlocks()
const placeOf = (text: string) => PLACES.find(([first]) => first.test(text.split('\n')[0]))?.[1]
const blockStarting = (first: RegExp) => {
  const block = BLOCKS.find(({ text }) => first.test(text.split('\n')[0]))
  if (!block) throw new Error(`README.md has no shell block starting ${first}`)
  return block.text
}
/** The gateway's environment as a reader's shell has it, without this machine's AWS settings. */
const ENV: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(AWS_|LOG_LEVEL$|HEALTH_PATH$|NODE_OPTIONS$|ADMIN_|STATUS_LISTEN$)/.test(name)),
)
const runIf = HAS_CURL ? it : it.skip

/** Whether something listens on `port` (a server a block started must be stopped with the block, its node process and all). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

describe("the README's shell blocks", () => {
  it('every block has a place: run by a test, or skipped by name', () => {
    expect(BLOCKS.filter(({ text }) => placeOf(text) === undefined).map(({ line }) => `README.md:${line}`)).toEqual([])
  })

  for (const [first, place] of PLACES) {
    if (typeof place === 'object') it.skip(`the block starting ${first.source}: not run, as ${place.skip}`, () => {})
  }

  runIf(
    'your own Lambda: check the example, start it with AWS_PROFILE, curl it (no AWS here: the generic 500 with its request id)',
    async () => {
      const port = await closedPort()
      const { code, output } = await runShellBlock(blockStarting(/^npm run check -- --config examples\/my-function\.yml/), {
        replace: [['localhost:8000', `localhost:${port}`]],
        env: { ...ENV, PORT: String(port) },
      })
      expect(code, output).toBe(0)
      expect(output).toContain('examples/my-function.yml: valid, 1 route')
      expect(output).toMatch(/HTTP\/1\.1 500[\s\S]*x-request-id: \w+/i)
      expect(output).toContain('"message":"An unexpected error occurred"')
      await until(async () => !(await listening(port)), 'the gateway the block started stopped with it')
    },
    60_000,
  )

  runIf(
    'pushing a checked configuration to the admin listener from CI: 201, and the gateway serves it',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lambda-gateway-readme-'))
      const served = join(dir, 'served.yml')
      writeFileSync(served, '_format_version: "3.0"\n')
      const token = 'readme-admin-token-0123456789'
      const gateway = await startNodeServer(
        ['--config', served, '--port', '0', '--host', '127.0.0.1'],
        { ADMIN_LISTEN: '127.0.0.1:0', ADMIN_TOKEN: token },
        () => {},
      )
      try {
        const { code, output } = await runShellBlock(blockStarting(/^npm run --silent check -- --config kong\.yml &&$/), {
          replace: [
            ['https://gateway-admin.internal', String(gateway?.adminUrl)],
            ['kong.yml', 'examples/kong.yml'],
          ],
          env: { ...ENV, ADMIN_TOKEN: token },
        })
        expect(code, output).toBe(0)
        expect(output).toContain('"function_name":"orders-api"')
        const routed = await fetch(`${gateway?.url}/hello`)
        // examples/kong.yml's /hello route now exists (its function is unreachable here: a 500, not a 404).
        expect(routed.status).toBe(500)
      } finally {
        await gateway?.close()
      }
    },
    60_000,
  )

  runIf(
    'metrics: STATUS_LISTEN serves /metrics and /status beside the gateway',
    async () => {
      const [port, status] = [await closedPort(), await closedPort()]
      const { code, output } = await runShellBlock(blockStarting(/^STATUS_LISTEN=/), {
        replace: [
          ['127.0.0.1:8100', `127.0.0.1:${status}`],
          ['localhost:8100', `localhost:${status}`],
          ['kong.yml', 'examples/kong.yml'],
        ],
        env: { ...ENV, PORT: String(port) },
      })
      expect(code, output).toBe(0)
      expect(output).toContain('"database":{"reachable":true}')
      await until(async () => !(await listening(port)) && !(await listening(status)), 'the gateway the block started stopped with it')
    },
    60_000,
  )
})
