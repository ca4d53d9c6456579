import { describe, expect, it } from 'vitest'
import { ConfigError } from '../src/model/validate.ts'
import { DEFAULT_BODY_LIMITS, readSettings } from '../src/settings.ts'

function problems(env: Record<string, string>): unknown {
  try {
    readSettings(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

describe('gateway settings from the environment', () => {
  it('default to info logs, an 8 KiB body buffer and a 6 MiB body limit', () => {
    expect(readSettings({})).toEqual({ logLevel: 'info', body: { bufferSize: 8192, maxSize: 6 * 1024 * 1024 }, lambdaErrorDetails: 'forward' })
    expect(DEFAULT_BODY_LIMITS).toEqual({ bufferSize: 8192, maxSize: 6291456 })
  })

  it.each([
    ['8192', 8192],
    ['16k', 16384],
    ['16K', 16384],
    ['1m', 1048576],
    ['2M', 2097152],
    ['0', 0],
  ])('reads the size %s as %i bytes', (value, bytes) => {
    expect(readSettings({ CLIENT_BODY_BUFFER_SIZE: value, CLIENT_MAX_BODY_SIZE: value }).body).toEqual({ bufferSize: bytes, maxSize: bytes })
  })

  it('reads LOG_LEVEL case-insensitively', () => {
    expect(readSettings({ LOG_LEVEL: 'DEBUG' }).logLevel).toBe('debug')
  })

  it('refuses an inherited property name as LOG_LEVEL', () => {
    expect(problems({ LOG_LEVEL: 'constructor' })).toEqual([{ path: 'LOG_LEVEL', message: 'expected one of: debug, info, warn, error' }])
  })

  it('names every bad setting at once', () => {
    expect(problems({ LOG_LEVEL: 'loud', CLIENT_BODY_BUFFER_SIZE: '8 kb', CLIENT_MAX_BODY_SIZE: '-1' })).toEqual([
      { path: 'LOG_LEVEL', message: 'expected one of: debug, info, warn, error' },
      { path: 'CLIENT_BODY_BUFFER_SIZE', message: 'expected a size in bytes, like 8192, 8k or 1m' },
      { path: 'CLIENT_MAX_BODY_SIZE', message: 'expected a size in bytes, like 8192, 8k or 1m' },
    ])
  })
})
