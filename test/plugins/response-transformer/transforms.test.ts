// response-transformer: Kong's unit specs (spec/03-plugins/15-response-transformer/
// 01-header_transformer_spec.lua and 02-body_transformer_spec.lua) and its schema's checks.

import { describe, expect, it } from 'vitest'
import { transformResponseHeaders } from '../../../src/plugins/response-transformer/headers.ts'
import { jsonValue, transformJsonBody } from '../../../src/plugins/response-transformer/json-body.ts'
import { isJsonContentType } from '../../../src/plugins/response-transformer/json-type.ts'
import type { ResponseTransformerConfig } from '../../../src/plugins/response-transformer/schema.ts'
import { loadProblems, pluginConfigProblems, validPluginConfig } from '../../support/plugin-config.ts'

const NAME = 'response-transformer'
const config = (fields: Record<string, unknown>) => validPluginConfig<ResponseTransformerConfig>(NAME, fields)

describe('is_json_body()', () => {
  it('is truthy when content-type application/json passed', () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'application/problem+json', 'application/problem+json; charset=utf-8']) {
      expect(isJsonContentType(type), type).toBe(true)
    }
  })

  it('is truthy when content-type is multiple values along with application/json passed', () => {
    expect(isJsonContentType('application/x-www-form-urlencoded, application/json')).toBe(true)
  })

  it('is falsy when content-type not application/json (or not a media type Kong parses)', () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/json', 'application/jsonx', 'application/json;', '*/*', '']) {
      expect(isJsonContentType(type), type).toBe(false)
    }
    expect(isJsonContentType(null)).toBe(false)
  })
})

describe('transform_headers()', () => {
  const headers = (init: Array<[string, string]>, fields: Record<string, unknown>) => [...transformResponseHeaders(new Headers(init), config(fields))]

  it('remove: all the headers', () => {
    expect(
      headers(
        [
          ['h1', 'value1'],
          ['h2', 'value2a'],
          ['h2', 'value2b'],
        ],
        { remove: { headers: ['h1', 'h2', 'h3'] } },
      ),
    ).toEqual([])
  })

  it('rename: the header if it exists (empty too), several values together; nothing when absent', () => {
    const rename = { rename: { headers: ['h1:h2', 'h3:h4'] } }
    expect(
      headers(
        [
          ['h1', 'v1'],
          ['h3', 'v3'],
        ],
        rename,
      ),
    ).toEqual([
      ['h2', 'v1'],
      ['h4', 'v3'],
    ])
    expect(headers([['h1', '']], rename)).toEqual([['h2', '']])
    expect(headers([], rename)).toEqual([])
    expect(
      headers(
        [
          ['h1', 'v1'],
          ['h1', 'v2'],
        ],
        rename,
      ),
    ).toEqual([['h2', 'v1, v2']])
    const cookies = transformResponseHeaders(
      new Headers([
        ['set-cookie', 'a=1'],
        ['set-cookie', 'b=2'],
      ]),
      config({ rename: { headers: ['set-cookie:x-cookies'] } }),
    )
    expect([...cookies]).toEqual([['x-cookies', 'a=1, b=2']])
  })

  it('replace: the header only if it exists', () => {
    const replace = { replace: { headers: ['h1:v1', 'h2:value:2'] } }
    expect(
      headers(
        [
          ['h1', 'value1'],
          ['h2', 'value2a'],
          ['h2', 'value2b'],
        ],
        replace,
      ),
    ).toEqual([
      ['h1', 'v1'],
      ['h2', 'value:2'],
    ])
    expect(headers([['h2', 'value2a']], replace)).toEqual([['h2', 'value:2']])
  })

  it('add: the header only if it does not exist; append: beside it', () => {
    expect(headers([['h1', 'v1']], { add: { headers: ['h2:v2'] } })).toEqual([
      ['h1', 'v1'],
      ['h2', 'v2'],
    ])
    expect(
      headers(
        [
          ['h1', 'v1'],
          ['h2', 'v3'],
        ],
        { add: { headers: ['h2:v2'] } },
      ),
    ).toEqual([
      ['h1', 'v1'],
      ['h2', 'v3'],
    ])
    expect(headers([], { append: { headers: ['h1:v2'] } })).toEqual([['h1', 'v2']])
    expect(headers([['h1', 'v1']], { append: { headers: ['h1:v2'] } })).toEqual([['h1', 'v1, v2']])
  })

  it('performing remove, replace, add, append together', () => {
    const all = { remove: { headers: ['h1:v1'] }, replace: { headers: ['h2:v3'] }, add: { headers: ['h3:v3'] }, append: { headers: ['h3:v4'] } }
    expect(
      headers(
        [
          ['h1', 'v1'],
          ['h2', 'v2'],
        ],
        all,
      ),
    ).toEqual([
      ['h2', 'v3'],
      ['h3', 'v3, v4'],
    ])
  })

  it('presence is decided on the headers as they came: add after remove does not add, add over a rename replaces it', () => {
    expect(headers([['h1', 'v1']], { remove: { headers: ['h1'] }, add: { headers: ['h1:new'] } })).toEqual([])
    expect(headers([['h1', 'v1']], { rename: { headers: ['h1:h2'] }, add: { headers: ['h2:added'] } })).toEqual([['h2', 'added']])
  })
})

describe('transform_json_body()', () => {
  const transform = (json: string, fields: Record<string, unknown>) => {
    const result = transformJsonBody(json, config(fields))
    return 'body' in result ? JSON.parse(result.body) : result
  }

  describe('add', () => {
    const add = {
      add: {
        json: ['p1:v1', 'p3:value:3', 'p4:"v1"', 'p5:-1', 'p6:false', 'p7:true'],
        json_types: ['string', 'string', 'string', 'number', 'boolean', 'boolean'],
      },
    }
    const added = { p1: 'v1', p3: 'value:3', p4: '"v1"', p5: -1, p6: false, p7: true }
    it('parameter, value in double quotes', () => expect(transform('{"p2":"v1"}', add)).toEqual({ ...added, p2: 'v1' }))
    it('number', () => expect(transform('{"p2":-1}', add)).toEqual({ ...added, p2: -1 }))
    it('boolean', () => expect(transform('{"p2":false}', add)).toEqual({ ...added, p2: false }))
    it('preserves empty arrays', () => expect(transformJsonBody('{"p2":"v1", "a":[]}', config(add))).toEqual({ body: expect.stringContaining('"a":[]') }))
  })

  describe('append', () => {
    const append = { append: { json: ['p1:v1', 'p3:"v1"', 'p4:-1', 'p5:false', 'p6:true'], json_types: ['string', 'string', 'number', 'boolean', 'boolean'] } }
    const appended = { p1: ['v1'], p3: ['"v1"'], p4: [-1], p5: [false], p6: [true] }
    it('new key:value if key does not exists', () => expect(transform('{"p2":"v1"}', append)).toEqual({ ...appended, p2: 'v1' }))
    it('value if key exists', () => expect(transform('{"p1":"v2"}', append)).toEqual({ ...appended, p1: ['v2', 'v1'] }))
    it('value in double quotes', () => expect(transform('{"p3":"v2"}', append)).toEqual({ ...appended, p3: ['v2', '"v1"'] }))
    it('number', () => expect(transform('{"p4":"v2"}', append)).toEqual({ ...appended, p4: ['v2', -1] }))
    it('boolean', () => expect(transform('{"p5":"v5", "p6":"v6"}', append)).toEqual({ ...appended, p5: ['v5', false], p6: ['v6', true] }))
  })

  describe('remove', () => {
    const remove = { remove: { json: ['p1', 'p2'] } }
    it('parameter', () => expect(transformJsonBody('{"p1" : "v1", "p2" : "v1"}', config(remove))).toEqual({ body: '{}' }))
    it('preserves empty arrays', () => expect(transformJsonBody('{"p1" : "v1", "p2" : "v1", "a": []}', config(remove))).toEqual({ body: '{"a":[]}' }))
  })

  describe('rename', () => {
    const rename = { rename: { json: ['p1:k1', 'p2:k2', 'p3:k3', 'p4:k4', 'p5:k5'] } }
    it('parameter', () => expect(transform('{"p1" : "v1", "p2" : "v2"}', rename)).toEqual({ k1: 'v1', k2: 'v2' }))
    it('preserves empty arrays', () => expect(transformJsonBody('{"p3": []}', config(rename))).toEqual({ body: '{"k3":[]}' }))
    it('number', () => expect(transform('{"p3" : -1}', rename)).toEqual({ k3: -1 }))
    it('boolean', () => expect(transform('{"p4" : false, "p5" : true}', rename)).toEqual({ k4: false, k5: true }))
  })

  describe('replace', () => {
    const replace = {
      replace: { json: ['p1:v2', 'p2:"v2"', 'p3:-1', 'p4:false', 'p5:true'], json_types: ['string', 'string', 'number', 'boolean', 'boolean'] },
    }
    it('parameter if it exists', () => expect(transform('{"p1" : "v1", "p2" : "v1"}', replace)).toEqual({ p1: 'v2', p2: '"v2"' }))
    it('does not add value to parameter if parameter does not exists', () => expect(transform('{"p1" : "v1"}', replace)).toEqual({ p1: 'v2' }))
    it('number', () => expect(transform('{"p3" : "v1"}', replace)).toEqual({ p3: -1 }))
    it('boolean', () => expect(transform('{"p4" : "v4", "p5" : "v5"}', replace)).toEqual({ p4: false, p5: true }))
    it('not a value that is false (Lua truthiness)', () => expect(transform('{"p1" : false}', replace)).toEqual({ p1: false }))
  })

  it('remove, rename, replace, add, append: combination', () => {
    const all = { remove: { json: ['p1'] }, rename: { json: ['p4:p2'] }, replace: { json: ['p2:v2'] }, add: { json: ['p3:v1'] }, append: { json: ['p3:v2'] } }
    expect(transform('{"p1" : "v1", "p4" : "v1", "a" : []}', all)).toEqual({ p2: 'v2', p3: ['v1', 'v2'], a: [] })
  })

  it('gracefully fails transforming an invalid json body (and a JSON scalar)', () => {
    expect(transform('not a json value', { remove: { json: ['foo'] } })).toEqual({ failed: 'failed parsing json body' })
    expect(transform('"text"', { remove: { json: ['foo'] } })).toEqual({ failed: 'the json body is not an object or an array' })
  })

  it("values are written as Kong's json_value writes them: cjson's escapes kept but for quotes and slashes; a number type that is not a number is skipped", () => {
    expect(jsonValue('a/b "c"')).toBe('a/b "c"')
    expect(jsonValue('C:\\dir\ttab')).toBe('C:\\\\dir\\ttab')
    expect(transform('{}', { add: { json: ['n:0x10', 'm:1e3', 'x:twelve', 'y: 7 '], json_types: ['number', 'number', 'number', 'number'] } })).toEqual({
      n: 16,
      m: 1000,
      y: 7,
    })
    expect(transform('[1]', { add: { json: ['p:v'] } })).toEqual([1])
  })
})

describe('schema', () => {
  it("defaults: every list empty, as Kong's records have it", () => {
    const empty = { json: [], json_types: [], headers: [] }
    expect(validPluginConfig(NAME)).toEqual({ remove: { json: [], headers: [] }, rename: { json: [], headers: [] }, replace: empty, add: empty, append: empty })
  })

  it("Kong's checks: `name:value` entries, header names for a rename, known json_types; templates are plain text", () => {
    expect(
      pluginConfigProblems(NAME, {
        rename: { headers: ['h1:bad name'], json: ['nocolon'] },
        add: { json_types: ['object'], headers: ['x:$(not a template here)'] },
      }),
    ).toEqual({
      'rename.json[0]': 'invalid value: nocolon',
      'rename.headers[0]': "'bad name' is not a valid header",
      'add.json_types[0]': 'expected one of: boolean, number, string',
    })
  })
})

describe('response-transformer at load', () => {
  it('a header name or value no HTTP server can send is refused, naming the field (Kong checks only renames)', () => {
    expect(loadProblems(NAME, { remove: { headers: ['bad name'] }, add: { headers: ['x-ok:fine', 'x-line:a\r\nb'] } })).toEqual({
      'remove.headers[0]': 'the header name cannot be sent: character U+0020 at 3',
      'add.headers[1]': 'the header value cannot be sent: character U+000D at 1',
    })
  })
})
