import { describe, expect, it } from 'vitest'
import { clfTime, resourceTemplate, uuidRequestId } from '../../src/lambda/payload/api-gateway.ts'

describe('resourceTemplate', () => {
  it.each([
    [null, '/'],
    ['/plain', '/plain'],
    ['/(?<version>\\d+)/strip', '/{version}/strip'],
    ['/orders/(?P<order>\\d+)/lines', '/orders/{order}/lines'],
    ['/users/(?<id>[^/)]+)/posts/(?<post>\\d+)', '/users/{id}/posts/{post}'],
    ['/files/(?<path>(?:[a-z]+/)*[a-z]+\\.(?:txt|md))', '/files/{path}'],
    ['/escaped/\\(?<not>x\\)/(?<real>y)', '/escaped/(?<not>x)/{real}'],
    ['^/api/(?<id>\\d+)$', '/api/{id}'],
    ['/file\\.json', '/file.json'],
    ['/price\\$', '/price$'],
    ['/unnamed/(\\d+)', '/unnamed/(\\d+)'],
  ])('%s → %s', (path, template) => {
    expect(resourceTemplate(path)).toBe(template)
  })
})

describe('clfTime', () => {
  it('formats as API Gateway does, in UTC', () => {
    expect(clfTime(1662436514000)).toBe('06/Sep/2022:03:55:14 +0000')
    expect(clfTime(Date.UTC(2026, 0, 5, 23, 4, 5, 678))).toBe('05/Jan/2026:23:04:05 +0000')
  })
})

describe('uuidRequestId', () => {
  it('writes the 32-hex request id as a UUID', () => {
    expect(uuidRequestId('0123456789abcdef0123456789abcdef')).toBe('01234567-89ab-cdef-0123-456789abcdef')
  })
})
