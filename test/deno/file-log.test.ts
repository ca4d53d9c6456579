/// <reference lib="deno.ns" />
// file-log under Deno: a path the process may not write (no --allow-write for it) is refused at
// start, naming the permission, rather than failing on every request. Deno's answer for the
// permission is stubbed: the test runner itself runs with --allow-write.

import { deepStrictEqual, ok } from 'node:assert/strict'
import { startDenoServer } from '../../src/deno.ts'

Deno.test({
  name: 'file-log without --allow-write for its path: the gateway refuses to start, naming the permission',
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const lines: string[] = []
    const errorBefore = console.error
    console.error = (line: unknown) => void lines.push(String(line))
    const file = await Deno.makeTempFile({ suffix: '.json' })
    const querySync = Deno.permissions.querySync
    const logPath = '/var/log/gateway-denied.log'
    Deno.permissions.querySync = (descriptor) =>
      descriptor.name === 'write' && descriptor.path === logPath
        ? ({ state: 'prompt', partial: false } as Deno.PermissionStatus)
        : querySync.call(Deno.permissions, descriptor)
    try {
      const route = (name: string, path: string) => ({ name, paths: [`/${name}`], plugins: [{ name: 'file-log', config: { path } }] })
      await Deno.writeTextFile(file, JSON.stringify({ _format_version: '3.0', routes: [route('denied', logPath)] }))
      deepStrictEqual(await startDenoServer(['--config', file, '--port', '0', '--host', '127.0.0.1'], {}), null)
      ok(
        lines.join('\n').includes("routes[0].plugins[0].config.path: needs Deno's --allow-write permission for this path"),
        `refusal names the permission: ${lines.join('\n')}`,
      )
      // A path it may write starts.
      await Deno.writeTextFile(file, JSON.stringify({ _format_version: '3.0', routes: [route('allowed', await Deno.makeTempFile())] }))
      const server = await startDenoServer(['--config', file, '--port', '0', '--host', '127.0.0.1'], {})
      ok(server, 'started')
      await server.close()
    } finally {
      Deno.permissions.querySync = querySync
      console.error = errorBefore
      await Deno.remove(file)
    }
  },
})
