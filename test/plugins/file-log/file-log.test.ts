// file-log on Node (Kong's spec/03-plugins/04-file-log/ where it applies): Kong's schema spec,
// one JSON line of Kong's log entry appended per request, `reopen` making a removed file again
// while a kept one writes on into the removed file (lost, as Kong's), the failures Kong logs
// (no directory, a directory, no permission), /dev/null taken, and the refusal where the runtime
// has no file system (Workers).

import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createGateway } from '../../../src/gateway.ts'
import { createLogger } from '../../../src/log.ts'
import { buildGatewayConfig } from '../../../src/model/declarative.ts'
import { ConfigError } from '../../../src/model/validate.ts'
import { writableAnswer } from '../../../src/pipeline/exchange.ts'
import type { LogEntry } from '../../../src/pipeline/serialize.ts'
import { nodeLogFiles } from '../../../src/runtime/node/log-files.ts'
import { pluginConfigProblems, validPluginConfig } from '../../support/plugin-config.ts'

const dir = mkdtempSync(join(tmpdir(), 'file-log-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function gateway(config: Record<string, unknown>, logFiles = nodeLogFiles()) {
  const lines: Array<Record<string, unknown>> = []
  const log = createLogger('debug', (line) => lines.push(JSON.parse(line)))
  const document = {
    _format_version: '3.0',
    routes: [
      {
        name: 'logged',
        paths: ['/'],
        plugins: [
          { name: 'request-termination', config: { status_code: 200, message: 'ok' } },
          { name: 'file-log', config },
        ],
      },
    ],
  }
  const handler = createGateway({ config: buildGatewayConfig(document, {}), env: {}, log, logFiles })
  return {
    lines,
    async send(id: string) {
      let work: Promise<unknown> | undefined
      const response = writableAnswer(await handler.handle(new Request('http://gateway.test/', { headers: { 'file-log-uuid': id } })), log, (w) => {
        work = w
      })
      expect(response.status).toBe(200)
      await work
    },
  }
}

const entries = (path: string): LogEntry[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line))
const ids = (path: string) => entries(path).map((e) => e.request.headers['file-log-uuid'])

describe("Kong's file-log schema spec", () => {
  it.each([['/ovo*'], ['/ovo`'], ['test&thing'], ['test%thing'], ['test\\thing'], [' /ovo'], ['/ovo  ']])('refuses the path %j', (path) => {
    expect(pluginConfigProblems('file-log', { path })).toEqual({ path: 'not a valid filename' })
  })

  it('requires a path, and takes one with a blank inside; reopen is false unless set', () => {
    expect(pluginConfigProblems('file-log', {})).toEqual({ path: 'required field missing' })
    expect(validPluginConfig('file-log', { path: '/o vo.loga' })).toEqual({ path: '/o vo.loga', reopen: false })
    expect(validPluginConfig('file-log', { path: '/tmp/log.txt', reopen: true })).toEqual({ path: '/tmp/log.txt', reopen: true })
  })

  it('refuses custom fields by lua: no Lua runs here', () => {
    expect(pluginConfigProblems('file-log', { path: '/tmp/log.txt', custom_fields_by_lua: { a: "return 'b'" } })).toEqual({
      custom_fields_by_lua: 'not supported: lambda-gateway runs no Lua',
    })
  })
})

describe('file-log', () => {
  it("appends Kong's log entry of each request as one JSON line, in order", async () => {
    const path = join(dir, 'plain.log')
    const { send } = gateway({ path })
    for (const id of ['one', 'two', 'three']) await send(id)
    expect(ids(path)).toEqual(['one', 'two', 'three'])
    const [first] = entries(path)
    expect(first.route.name).toBe('logged')
    expect(first.response.status).toBe(200)
    expect(first.source).toBe('kong')
  })

  it('reopens the file on each request: a removed file is made again', async () => {
    const path = join(dir, 'reopened.log')
    const { send } = gateway({ path, reopen: true })
    await send('uuid1')
    expect(ids(path)).toEqual(['uuid1'])
    rmSync(path)
    await send('uuid2')
    await send('uuid3')
    expect(ids(path)).toEqual(['uuid2', 'uuid3'])
  })

  it('loses the lines when reopen is false and the kept file was removed', async () => {
    const path = join(dir, 'kept.log')
    const { send } = gateway({ path })
    await send('uuid1')
    rmSync(path)
    await send('uuid2')
    expect(existsSync(path)).toBe(false)
  })

  const reasonLogged = async (path: string, reason: string) => {
    const { send, lines } = gateway({ path })
    await send('x')
    expect(lines.find((l) => l.level === 'error')).toMatchObject({ msg: `file-log: failed to open the file: ${reason}` })
  }

  it("does not create the log file if its directory doesn't exist: logs why, in Kong's words", async () => {
    await reasonLogged(join(dir, 'missing', 'file.log'), 'No such file or directory')
  })

  it("the given path is not a file but a directory: logs why, in Kong's words", async () => {
    await reasonLogged(dir, 'Is a directory')
  })

  // root may write a read-only file.
  it.skipIf(process.getuid?.() === 0)("does not log without write permission to the file: logs why, in Kong's words", async () => {
    const path = join(dir, 'read-only.log')
    writeFileSync(path, '')
    chmodSync(path, 0o444)
    await reasonLogged(path, 'Permission denied')
  })

  it('takes a character device (/dev/null) without an error', async () => {
    const { send, lines } = gateway({ path: '/dev/null' })
    await send('x')
    expect(lines.filter((l) => l.level === 'error')).toEqual([])
  })

  it('is refused at load where the runtime has no file system (Workers), naming the alternative', () => {
    const config = buildGatewayConfig(
      { _format_version: '3.0', routes: [{ name: 'r', paths: ['/'], plugins: [{ name: 'file-log', config: { path: '/tmp/x.log' } }] }] },
      {},
    )
    const make = () => createGateway({ config, env: {}, log: createLogger('error', () => {}) })
    expect(make).toThrow(ConfigError)
    try {
      make()
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        {
          path: 'routes[0].plugins[0].config.path',
          message: 'not supported on Cloudflare Workers: a Worker has no file system; send the entries with http-log',
        },
      ])
    }
  })
})
