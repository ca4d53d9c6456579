/// <reference lib="deno.ns" />
// Reloading on Deno: the shared cases of test/e2e/reload-cases.ts (SIGHUP is sent to this process).

import { startDenoServer } from '../../src/deno.ts'
import { RELOAD_CASES } from '../e2e/reload-cases.ts'

console.error = () => {}
for (const { name, run } of RELOAD_CASES) {
  Deno.test({
    name: `reloading on Deno: ${name}`,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: () => run({ start: startDenoServer, hangUp: () => Deno.kill(Deno.pid, 'SIGHUP') }),
  })
}
