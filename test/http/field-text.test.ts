// Header values as bytes (one character per byte) and the text they spell.

import { describe, expect, it } from 'vitest'
import { binaryString, fieldText, utf8Field } from '../../src/http/field-text.ts'

describe('utf8Field', () => {
  it('gives text beyond ASCII as its UTF-8 bytes, which Headers and Node send as they are; ASCII as it is', () => {
    expect(utf8Field('alice')).toBe('alice')
    expect(utf8Field('李雷')).toBe(binaryString(new TextEncoder().encode('李雷')))
    expect(utf8Field('josé')).toBe('josÃ©')
    expect(() => new Headers({ 'x-consumer-username': utf8Field('李雷') })).not.toThrow()
  })
})

describe('fieldText', () => {
  it('reads a value whose bytes are UTF-8 as that text', () => {
    expect(fieldText(utf8Field('李雷'))).toBe('李雷')
    expect(fieldText('clÃ©')).toBe('clé')
  })

  it('leaves ASCII, bytes that are not UTF-8, and text already beyond a byte as they are', () => {
    expect(fieldText('plain')).toBe('plain')
    expect(fieldText('caf\xe9')).toBe('caf\xe9')
    expect(fieldText('李雷')).toBe('李雷')
  })
})
