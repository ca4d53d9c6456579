// The X-Kong-Limit header, read as Kong's header_filter.lua parse_header reads it.

import { describe, expect, it } from 'vitest'
import { parseIncrements } from '../../../src/plugins/response-ratelimiting/limit-header.ts'

const LIMITS = new Set(['video', 'image'])
const parse = (value: string | null) => Object.fromEntries(parseIncrements(value, LIMITS))

describe('the X-Kong-Limit header', () => {
  it('gives nothing when absent', () => {
    expect(parse(null)).toEqual({})
  })

  it('reads name=value entries separated by commas, trimmed', () => {
    expect(parse('video=2, image=1')).toEqual({ video: 2, image: 1 })
    expect(parse(' video = 3 ')).toEqual({ video: 3 })
  })

  it('ignores names that are not configured limits', () => {
    expect(parse('video=1, test=6')).toEqual({ video: 1 })
  })

  it('ignores entries without exactly one =', () => {
    expect(parse('video, image=1=2, =3')).toEqual({})
  })

  it('takes the last entry of a name', () => {
    expect(parse('video=1, video=4')).toEqual({ video: 4 })
  })

  it('takes signed whole numbers (Kong counts a negative increment down)', () => {
    expect(parse('video=-2, image=+3')).toEqual({ video: -2, image: 3 })
  })

  it('counts nothing for a value that is not a whole number, also when an earlier entry named it', () => {
    expect(parse('video=1.5, image=abc')).toEqual({})
    expect(parse('video=1, video=x')).toEqual({})
    expect(parse('video=99999999999999999999')).toEqual({})
  })

  it('matches names exactly (case matters, as in a Lua table)', () => {
    expect(parse('Video=1')).toEqual({})
  })
})
