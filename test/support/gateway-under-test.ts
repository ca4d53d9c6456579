// A Node gateway started from a config object, as `node src/node.ts --config FILE` would run,
// with the log lines it writes kept for assertions. For the reliability tests, which start
// several gateways per file with their own routes.

import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { expect, vi } from 'vitest'
import type { RunningServer } from '../../src/cli/start.ts'
import { startNodeServer } from '../../src/node.ts'
import type { E2E } from '../e2e/harness.ts'

export { logsDuring } from '../e2e/harness.ts'

/** The assertions test/e2e/harness.ts's helpers (expectSanitised, …) make, as vitest expectations. */
export const vitestAsserts = {
  equal: (actual, expected, what) => expect(actual, what).toEqual(expected),
  ok: (condition, what) => expect(condition, what).toBeTruthy(),
} as Pick<E2E, 'equal' | 'ok'> as E2E

/** The gateway writes its JSON log lines with console.error: from now on they land in the returned array. */
export function captureLogs(): string[] {
  const lines: string[] = []
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)))
  return lines
}

/** Routes named by their host, each with the aws-lambda plugin config `base` overlaid with its own. */
export function hostRoutes(base: Record<string, unknown>, routes: Record<string, Record<string, unknown>>) {
  return {
    _format_version: '3.0',
    routes: Object.entries(routes).map(([host, config]) => ({
      name: host,
      hosts: [host],
      plugins: [{ name: 'aws-lambda', config: { ...base, ...config } }],
    })),
  }
}

/** The plugin fields that point a route at a mock Lambda on loopback, signed with the mock's keys. */
export const mockLambdaAt = (port: number) => ({
  aws_key: 'mock-key',
  aws_secret: 'mock-secret',
  aws_region: 'us-east-1',
  host: '127.0.0.1',
  port,
  disable_https: true,
})

/**
 * Starts the gateway on a free loopback port. The environment is exactly `env` (no AWS
 * variables of this machine), with an empty HOME so no credentials file is found.
 */
export async function startGateway(config: unknown, env: Record<string, string> = {}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-gateway-reliability-'))
  const file = join(dir, 'kong.json')
  writeFileSync(file, JSON.stringify(config))
  const server = await startNodeServer(['--config', file, '--port', '0', '--host', '127.0.0.1'], {
    HOME: dir,
    AWS_EC2_METADATA_DISABLED: 'true',
    HEALTH_PATH: '/__health',
    ...env,
  })
  if (!server) throw new Error('gateway did not start')
  return server
}

/**
 * Collects the unhandled rejections and uncaught exceptions of this process from now on: a
 * fault the gateway mishandles often shows as one, not as a wrong answer.
 */
export function watchProcessErrors(): { errors: unknown[]; stop(): void } {
  const errors: unknown[] = []
  const record = (error: unknown) => void errors.push(error)
  process.on('unhandledRejection', record)
  process.on('uncaughtException', record)
  return {
    errors,
    stop: () => {
      process.off('unhandledRejection', record)
      process.off('uncaughtException', record)
    },
  }
}

export interface GatewayProcess {
  url: string
  /** Its stderr (the JSON log lines), line by line. */
  logs: string[]
  /** The child's memory after a full garbage collection. */
  memory(): Promise<NodeJS.MemoryUsage>
  close(): Promise<void>
}

/** startGateway, in a child process (test/support/gateway-child.ts) with the same environment rules. */
export async function startGatewayProcess(config: unknown, env: Record<string, string> = {}): Promise<GatewayProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-gateway-reliability-'))
  const file = join(dir, 'kong.json')
  writeFileSync(file, JSON.stringify(config))
  const child = spawn(process.execPath, ['--expose-gc', 'test/support/gateway-child.ts', '--config', file, '--port', '0', '--host', '127.0.0.1'], {
    env: { PATH: process.env.PATH ?? '', HOME: dir, AWS_EC2_METADATA_DISABLED: 'true', ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  })
  const logs: string[] = []
  createInterface({ input: child.stderr! }).on('line', (line) => logs.push(line))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: { url?: string }) => (message.url ? resolve(message.url) : reject(new Error('no url'))))
    void exited.then(() => reject(new Error(`gateway process exited: ${logs.join('\n')}`)))
  })
  return {
    url,
    logs,
    memory: () =>
      new Promise((resolve) => {
        child.once('message', (message: { memory: NodeJS.MemoryUsage }) => resolve(message.memory))
        child.send('memory')
      }),
    close: async () => {
      if (child.connected) child.disconnect()
      await exited
    },
  }
}
