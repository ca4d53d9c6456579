// Addresses and ranges as Kong checks them (spec/03-plugins/17-ip-restriction/01-schema_spec.lua
// ported), and the matcher: prefixes at every bit boundary, IPv6, IPv4-mapped clients.

import { describe, expect, it } from 'vitest'
import { checkIpOrCidr, ipMatcher, parseIp } from '../../src/http/ip.ts'

describe('parseIp', () => {
  it.each([
    ['127.0.0.1', [127, 0, 0, 1]],
    ['0.0.0.0', [0, 0, 0, 0]],
    ['255.255.255.255', [255, 255, 255, 255]],
    ['::', Array(16).fill(0)],
    ['::1', [...Array(15).fill(0), 1]],
    ['[::1]', [...Array(15).fill(0), 1]],
    ['2001:db8::ff00:42:8329', [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0, 0, 0x42, 0x83, 0x29]],
    ['2001:DB8:0:0:0:0:0:1', [0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 1]],
    ['fe80::', [0xfe, 0x80, ...Array(14).fill(0)]],
    ['::ffff:192.0.2.1', [...Array(10).fill(0), 0xff, 0xff, 192, 0, 2, 1]],
    ['1:2:3:4:5:6:1.2.3.4', [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4]],
  ])('%s', (text, bytes) => {
    expect([...(parseIp(text) ?? [])]).toEqual(bytes)
  })

  it.each([
    'hello',
    '',
    '127.0.0',
    '127.0.0.1.1',
    '256.0.0.1',
    '01.2.3.4',
    '1.2.3.04',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    '1:::2',
    ':1:2:3:4:5:6:7',
    '12345::',
    'g::1',
    '1:2:3:4:5:6:7::8',
    '::1.2.3',
    ':1.2.3.4',
    '[1.2.3.4]',
    '[::1',
    'fe80::1%eth0',
  ])('refuses %j', (text) => {
    expect(parseIp(text)).toBeUndefined()
  })
})

describe("checkIpOrCidr: Kong's messages", () => {
  it.each(['127.0.0.1', '127.0.0.1/32', '127.0.0.1/8', '0.0.0.0/0', '::/0', '::/1', '::/128', '::1', 'fe80::/8', '[::1]/64'])('accepts %s', (value) => {
    expect(checkIpOrCidr(value)).toBeUndefined()
  })

  it.each([
    'hello',
    '0.0.0.0/a',
    '0.0.0.0/-1',
    '0.0.0.0/33',
    '::/a',
    '::/-1',
    '::/129',
    '::1/a',
    '::1/-1',
    '::1/129',
    '1.2.3.4/08',
    '1.2.3.4/',
    '1.2.3.4/8/8',
    '/8',
  ])('refuses %s', (value) => {
    expect(checkIpOrCidr(value)).toBe(`invalid ip or cidr range: '${value}'`)
  })
})

describe('ipMatcher', () => {
  it('matches addresses and ranges at every prefix length, of their own family only', () => {
    for (let prefix = 0; prefix <= 32; prefix++) {
      const match = ipMatcher([`10.20.30.40/${prefix}`])
      expect(match('10.20.30.40'), `/${prefix} itself`).toBe(true)
      // The highest address whose first `prefix` bits are the range's, and the first outside it.
      const inside = (0x0a141e28 | (2 ** (32 - prefix) - 1)) >>> 0
      const outside = prefix === 0 ? undefined : (inside + 1) >>> 0
      const text = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
      expect(match(text(inside)), `/${prefix} last`).toBe(true)
      if (outside !== undefined && outside !== 0) expect(match(text(outside)), `/${prefix} next`).toBe(prefix === 0)
    }
    expect(ipMatcher(['0.0.0.0/0'])('::1')).toBe(false)
    expect(ipMatcher(['::/0'])('127.0.0.1')).toBe(false)
  })

  it('IPv6 ranges', () => {
    const match = ipMatcher(['fe80::/8', '2001:db8::/127', '::1'])
    expect(match('fe80::1')).toBe(true)
    expect(match('feff:ffff::')).toBe(true)
    expect(match('ff00::')).toBe(false)
    expect(match('2001:db8::1')).toBe(true)
    expect(match('2001:db8::2')).toBe(false)
    expect(match('::1')).toBe(true)
    expect(match('[::1]')).toBe(true)
    expect(match('::2')).toBe(false)
    expect(ipMatcher(['::/0'])('2001:db8::1')).toBe(true)
  })

  it('an IPv4-mapped IPv6 address is matched as its IPv4 address (nginx) and as itself (Kong)', () => {
    expect(ipMatcher(['127.0.0.0/8'])('::ffff:127.0.0.1')).toBe(true)
    expect(ipMatcher(['127.0.0.1'])('::ffff:127.0.0.2')).toBe(false)
    // A deny list written with the mapped form, or all of IPv6, holds for such a client, as in Kong.
    expect(ipMatcher(['::ffff:127.0.0.1'])('::ffff:127.0.0.1')).toBe(true)
    expect(ipMatcher(['::ffff:127.0.0.0/104'])('::ffff:127.0.0.1')).toBe(true)
    expect(ipMatcher(['::/0'])('::ffff:127.0.0.1')).toBe(true)
    expect(ipMatcher(['::/0'])('127.0.0.1')).toBe(false)
    // An IPv4-compatible (not mapped) address stays IPv6.
    expect(ipMatcher(['127.0.0.1'])('::127.0.0.1')).toBe(false)
  })

  it('a missing or unparsable address matches nothing', () => {
    const match = ipMatcher(['0.0.0.0/0', '::/0'])
    expect(match(null)).toBe(false)
    expect(match('unix:')).toBe(false)
    expect(match('')).toBe(false)
  })
})
