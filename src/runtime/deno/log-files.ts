/// <reference lib="deno.ns" />
// file-log's files on Deno: Node's (through Deno's node:fs), refused at load for a path the
// process may not write (Deno's --allow-write), rather than failing on every request.

import type { LogFiles } from '../../log-files.ts'
import { nodeLogFiles } from '../node/log-files.ts'

export function denoLogFiles(): LogFiles {
  return {
    ...nodeLogFiles(),
    problem: (path) =>
      Deno.permissions.querySync({ name: 'write', path }).state === 'granted'
        ? undefined
        : "needs Deno's --allow-write permission for this path (add it to the deno run command)",
  }
}
