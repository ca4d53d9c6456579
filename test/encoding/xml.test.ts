import { describe, expect, it } from 'vitest'
import { xmlElement } from '../../src/encoding/xml.ts'

describe('xmlElement', () => {
  it('finds an element by name, with attributes, and decodes entities', () => {
    const xml =
      '<R xmlns="x"><Error><Code>AccessDenied</Code><Message a="1">User: arn:aws:sts::1:assumed-role/a&amp;b &lt;x&gt; &#39;q&#x27;</Message></Error></R>'
    expect(xmlElement(xml, 'Code')).toBe('AccessDenied')
    expect(xmlElement(xml, 'Message')).toBe("User: arn:aws:sts::1:assumed-role/a&b <x> 'q'")
    expect(xmlElement(xml, 'Missing')).toBeUndefined()
    expect(xmlElement('<MessageX>no</MessageX>', 'Message')).toBeUndefined()
    expect(xmlElement('<M>&#99999999; &#x41;</M>', 'M')).toBe('&#99999999; A')
  })
})
