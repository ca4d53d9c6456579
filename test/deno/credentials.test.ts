/// <reference lib="deno.ns" />
// The credential chain end to end on the Deno entry: the cases Node runs too
// (test/e2e/credential-chain-cases.ts), every host source through Deno's own node: modules and fetch.

import { deepStrictEqual, ok } from 'node:assert/strict'
import { startDenoServer } from '../../src/deno.ts'
import { chainCases, startChainFixture } from '../e2e/credential-chain-cases.ts'

// The gateways' log lines, kept for the cases instead of printed.
const logLines: string[] = []
console.error = (line: unknown) => void logLines.push(String(line))

const f = await startChainFixture({
  start: startDenoServer,
  equal: (actual, expected, what) => deepStrictEqual(actual, expected, what),
  ok: (condition, what) => ok(condition, what),
  logs: () => logLines,
})

const options = { sanitizeResources: false, sanitizeOps: false }
for (const c of chainCases) Deno.test({ name: c.name, fn: () => c.run(f), ...options })
Deno.test({ name: 'no log line holds a secret or a token', fn: () => f.expectNoSecretLogged(), ...options })
Deno.test({ name: 'shut down', fn: () => f.close(), ...options })
