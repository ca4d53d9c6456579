// What 'unknown field' adds to Kong's words: the known field a slip was meant as, and where a
// field Kong 3.0 removed went — only where that can be told.

import { describe, expect, it } from 'vitest'
import { unknownField } from '../../src/model/validate.ts'

const AWS_LAMBDA = ['aws_region', 'aws_key', 'aws_secret', 'function_name', 'proxy_url', 'timeout', 'host', 'port']

describe('unknownField', () => {
  it.each([
    ['aws_regoin', 'aws_region'],
    ['aws-region', 'aws_region'],
    ['AWS_REGION', 'aws_region'],
    ['funtion_name', 'function_name'],
    ['timeot', 'timeout'],
  ])('%s: did you mean %s', (field, meant) => {
    expect(unknownField(field, AWS_LAMBDA)).toBe(`unknown field (did you mean '${meant}'?)`)
  })

  it('a field far from every known one, or a short one, is only unknown', () => {
    expect(unknownField('region', AWS_LAMBDA)).toBe('unknown field')
    expect(unknownField('hots', ['host', 'port'])).toBe("unknown field (did you mean 'host'?)")
    expect(unknownField('pt', ['port'])).toBe('unknown field')
    expect(unknownField('foo', AWS_LAMBDA)).toBe('unknown field')
  })

  it("Kong 2's removed fields say where they went, where their successor is a field", () => {
    expect(unknownField('proxy_scheme', AWS_LAMBDA)).toBe("unknown field (removed in Kong 3.0: proxy_url's scheme is used)")
    expect(unknownField('whitelist', ['allow', 'deny'])).toBe("unknown field (removed in Kong 3.0: it is now 'allow')")
    expect(unknownField('blacklist', ['allow', 'deny'])).toBe("unknown field (removed in Kong 3.0: it is now 'deny')")
    expect(unknownField('whitelist', AWS_LAMBDA)).toBe('unknown field')
  })
})
