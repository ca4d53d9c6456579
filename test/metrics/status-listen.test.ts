// STATUS_LISTEN as Kong's `status_listen` is written (src/cli/options.ts).

import { describe, expect, it } from 'vitest'
import { parseServerOptions } from '../../src/cli/options.ts'

const parse = (value: string | undefined, port = '8000') => parseServerOptions(['--config', 'kong.yml', '--port', port], { STATUS_LISTEN: value })

describe('STATUS_LISTEN', () => {
  it('is off unless set, and `off` turns it off', () => {
    expect(parse(undefined).statusListen).toBeUndefined()
    expect(parse('off').statusListen).toBeUndefined()
  })

  it("takes Kong's HOST:PORT, an IPv6 address in brackets, or a bare port on loopback", () => {
    expect(parse('0.0.0.0:8100').statusListen).toEqual({ host: '0.0.0.0', port: 8100 })
    expect(parse('[::1]:8100').statusListen).toEqual({ host: '::1', port: 8100 })
    expect(parse('status.internal:9542').statusListen).toEqual({ host: 'status.internal', port: 9542 })
    expect(parse('8100').statusListen).toEqual({ host: '127.0.0.1', port: 8100 })
  })

  it("refuses Kong's flags, a list of addresses, a bad port and the proxy's own port", () => {
    expect(() => parse('127.0.0.1:8100 ssl')).toThrow("invalid STATUS_LISTEN '127.0.0.1:8100 ssl': expected HOST:PORT")
    expect(() => parse('127.0.0.1:8100, 127.0.0.1:8101')).toThrow('expected HOST:PORT')
    expect(() => parse('127.0.0.1:70000')).toThrow("invalid STATUS_LISTEN port '70000'")
    expect(() => parse('127.0.0.1:8000')).toThrow("the status listener never shares the proxy's port")
  })
})
