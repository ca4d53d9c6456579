// Kong's checks of certificates that need them parsed, and the certificate served for a server
// name in Kong's order (spec/02-integration/05-proxy/06-ssl_spec.lua's "wildcard sni" cases).

import { describe, expect, it } from 'vitest'
import { certificateProblems, certificateSelector } from '../../src/cli/tls-certificates.ts'
import type { GatewayCertificate } from '../../src/model/config.ts'
import { testPem } from '../support/tls-files.ts'

const certificate = (name: string, snis: string[], more: Partial<GatewayCertificate> = {}): GatewayCertificate => ({
  id: name,
  path: `certificates[${name}]`,
  tags: [],
  cert: testPem(`${name}.pem`),
  key: testPem(`${name}-key.pem`),
  snis,
  ...more,
})
const ca = (cert: string) => ({ id: 'ca', path: 'ca_certificates[0]', tags: [], cert })

describe("Kong's certificate checks", () => {
  it('accept matching pairs, an RSA certificate with an ECDSA alternative, a CA', () => {
    const rsaAndEcdsa = certificate('example', [], { cert_alt: testPem('example-ecdsa.pem'), key_alt: testPem('example-ecdsa-key.pem') })
    expect(certificateProblems({ certificates: [rsaAndEcdsa], caCertificates: [ca(testPem('ca.pem'))] })).toEqual([])
  })

  it('refuse a key of another certificate, a mismatched or same-type alternative', () => {
    const wrongKey = certificate('alt', [], { key: testPem('default-key.pem') })
    const wrongAlt = certificate('example', [], { cert_alt: testPem('example-ecdsa.pem'), key_alt: testPem('alt-key.pem') })
    const sameType = certificate('alt', [], { cert_alt: testPem('default.pem'), key_alt: testPem('default-key.pem') })
    expect(certificateProblems({ certificates: [wrongKey, wrongAlt, sameType], caCertificates: [] })).toEqual([
      { path: 'certificates[alt]', message: 'certificate does not match key' },
      { path: 'certificates[example]', message: 'alternative certificate does not match key' },
      {
        path: 'certificates[alt]',
        message:
          'certificate and alternative certificate need to have different type (e.g. RSA and ECDSA), the provided certificates were both of the same type',
      },
    ])
  })

  it('refuse a CA certificate that is not a CA, two at once, one expired', () => {
    const problems = certificateProblems(
      { certificates: [], caCertificates: [ca(testPem('upstream.pem')), ca(`${testPem('ca.pem')}${testPem('intermediate.pem')}`), ca(testPem('ca.pem'))] },
      Date.parse('2200-01-01'),
    )
    expect(problems.map((p) => p.message)).toEqual([
      'certificate expired, "Not After" time is in the past',
      'please submit only one certificate at a time',
      'certificate expired, "Not After" time is in the past',
    ])
    expect(certificateProblems({ certificates: [], caCertificates: [ca(testPem('upstream.pem'))] })).toEqual([
      { path: 'ca_certificates[0]', message: 'certificate does not appear to be a CA because it is missing the "CA" basic constraint' },
    ])
  })
})

describe("the certificate for a server name, in Kong's order", () => {
  const alt = certificate('alt', ['*.wildcard.com', 'wildcard.*'])
  const altAlt = certificate('alt-alt', ['wildcard.org', 'test.wildcard.*', '*.www.wildcard.com'])
  const example = certificate('example', ['example.com', 'ssl1.com'])
  const fallback = certificate('default', ['*'])
  const select = certificateSelector([example, alt, altAlt, fallback])
  const chosen = (name?: string) => select(name)?.id

  it.each([
    ['example.com', 'example', 'the exact name'],
    ['EXAMPLE.com', 'example', 'the exact name, in any case'],
    ['test.wildcard.com', 'alt', '*.wildcard.com (prefix)'],
    ['wildcard.eu', 'alt', 'wildcard.* (suffix)'],
    ['wildcard.org', 'alt-alt', 'exact first'],
    ['test.wildcard.org', 'alt-alt', 'the suffix test.wildcard.*'],
    ['test.www.wildcard.com', 'alt-alt', '*.www.wildcard.com: one label only'],
    ['a.b.wildcard.com', 'default', 'a prefix wildcard stands for one label'],
    ['test.com', 'default', 'no match: the * SNI'],
    [undefined, 'default', 'no server name: the * SNI'],
  ])('%s → %s (%s)', (name, id, _why) => {
    expect(chosen(name)).toBe(id)
  })

  it('none without a * SNI', () => {
    expect(certificateSelector([example])('test.com')).toBeUndefined()
    expect(certificateSelector([example])(undefined)).toBeUndefined()
  })
})
