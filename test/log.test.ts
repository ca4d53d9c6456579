import { describe, expect, it } from 'vitest'
import { createLogger, type LogFields } from '../src/log.ts'

function written(level: 'debug' | 'info' | 'warn' | 'error', fields?: LogFields): string[] {
  const lines: string[] = []
  const log = createLogger(level, (line) => lines.push(line))
  log.debug('debug line', fields)
  log.info('request "quoted"\n', fields)
  return lines
}

describe('log lines', () => {
  it('are one JSON object: the time to the millisecond, the level, the message, then the fields in their order', () => {
    const [, line] = written('debug', { request_id: 'a1', status: 200, route: null, gone: undefined })
    expect(line).toMatch(
      /^\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","level":"info","msg":"request \\"quoted\\"\\n","request_id":"a1","status":200,"route":null\}$/,
    )
  })

  it('a field named as one of the line’s own keys takes its value, not its place', () => {
    const [, line] = written('debug', { status: 1, msg: 'theirs' })
    expect(Object.entries(JSON.parse(line)).slice(1)).toEqual([
      ['level', 'info'],
      ['msg', 'theirs'],
      ['status', 1],
    ])
  })

  it('lines below the level are not written', () => {
    expect(written('info')).toHaveLength(1)
    expect(written('debug')).toHaveLength(2)
  })
})
