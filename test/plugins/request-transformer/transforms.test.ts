// request-transformer's operations one by one, with the cases of Kong's access spec
// (spec/03-plugins/36-request-transformer/02-access_spec.lua) that concern each, and the Lua
// behaviours they depend on (truthiness, append_value, set_query's sorted encoding).

import { describe, expect, it } from 'vitest'
import { argsMap, encodeArgs, orderedQuery } from '../../../src/http/url-args.ts'
import { type Operations, transformArgs } from '../../../src/plugins/request-transformer/entries.ts'
import { transformHeaders } from '../../../src/plugins/request-transformer/headers.ts'
import { transformJsonBody } from '../../../src/plugins/request-transformer/json-body.ts'
import { transformMultipartBody } from '../../../src/plugins/request-transformer/multipart.ts'

const NONE: Operations = { remove: [], rename: [], replace: [], add: [], append: [] }
const ops = (operations: Partial<Operations>): Operations => ({ ...NONE, ...operations })

type Lines = Array<[string, string]>
const headers = (lines: Lines, operations: Partial<Operations>) => transformHeaders(lines, ops(operations)).lines
const query = (text: string, operations: Partial<Operations>) => {
  const args = argsMap(text)
  transformArgs(args, ops(operations))
  return orderedQuery(args)
}

describe('headers', () => {
  it('remove: the named header, any case, every line of it', () => {
    expect(
      headers(
        [
          ['x-to-remove', 'true'],
          ['x-another-header', 'true'],
          ['x-to-remove', 'again'],
        ],
        { remove: ['X-To-Remove'] },
      ),
    ).toEqual([['x-another-header', 'true']])
  })

  it('tells the Host an operation set (replace, append, a rename onto it), which Kong then sends upstream; none otherwise', () => {
    const lines: Lines = [
      ['host', 'client.test'],
      ['x-h', 'h'],
    ]
    const host = (operations: Partial<Operations>) => transformHeaders(lines, ops(operations)).host
    expect(host({ replace: ['host:a.test'] })).toBe('a.test')
    expect(host({ append: ['Host:b.test'] })).toBe('b.test')
    expect(host({ rename: ['x-h:host'] })).toBe('h')
    expect(host({ add: ['host:c.test'], replace: ['x-h:i'] })).toBeUndefined()
  })

  it("a name with `_` finds the header written with `-`, as Kong's headers table does: add adds nothing, replace and append set the name as written beside it", () => {
    const lines: Lines = [['x-b', 'old']]
    expect(headers(lines, { add: ['X_B:new'] })).toEqual([['x-b', 'old']])
    expect(headers(lines, { replace: ['x_b:new'] })).toEqual([
      ['x-b', 'old'],
      ['x_b', 'new'],
    ])
    expect(headers(lines, { append: ['x_b:new'] })).toEqual([
      ['x-b', 'old'],
      ['x_b', 'old'],
      ['x_b', 'new'],
    ])
  })

  it('rename: the value moves, over any header of the new name; nothing when absent; a change of case only changes nothing', () => {
    const rename = { rename: ['x-to-rename:x-is-renamed'] }
    expect(
      headers(
        [
          ['x-to-rename', 'true'],
          ['x-another-header', 'true'],
        ],
        rename,
      ),
    ).toEqual([
      ['x-another-header', 'true'],
      ['x-is-renamed', 'true'],
    ])
    expect(
      headers(
        [
          ['x-to-rename', 'new-result'],
          ['x-is-renamed', 'old-result'],
        ],
        rename,
      ),
    ).toEqual([['x-is-renamed', 'new-result']])
    expect(headers([['x-a-header', 'true']], rename)).toEqual([['x-a-header', 'true']])
    expect(
      headers(
        [
          ['rename', 'true'],
          ['identical', 'true'],
        ],
        { rename: ['rename:Rename', 'identical:identical'] },
      ),
    ).toEqual([
      ['rename', 'true'],
      ['identical', 'true'],
    ])
  })

  it('replace: only a header that is there (Host always); add: only one that is not (never Host)', () => {
    expect(
      headers(
        [
          ['h1', 'V'],
          ['h2', 'v2'],
        ],
        { replace: ['h1:v1'] },
      ),
    ).toEqual([
      ['h1', 'v1'],
      ['h2', 'v2'],
    ])
    expect(headers([['h2', 'v2']], { replace: ['h1:v1'] })).toEqual([['h2', 'v2']])
    expect(headers([['h1', 'v3']], { add: ['h1:v1', 'h2:value:2'] })).toEqual([
      ['h1', 'v3'],
      ['h2', 'value:2'],
    ])
    expect(headers([['host', 'test2.test']], { add: ['host:mark'] })).toEqual([['host', 'test2.test']])
    expect(headers([['host', 'a.test']], { replace: ['Host:b.test'] })).toEqual([['host', 'b.test']])
  })

  it("append: beside the values there (one line each), or new; with add first, the add's value first", () => {
    expect(headers([], { append: ['h1:v1', 'h1:v2', 'h2:v1'] })).toEqual([
      ['h1', 'v1'],
      ['h1', 'v2'],
      ['h2', 'v1'],
    ])
    expect(headers([['x-added', 'a0']], { append: ['X-aDDed:a2', 'X-aDDed:a3'] })).toEqual([
      ['x-added', 'a0'],
      ['x-added', 'a2'],
      ['x-added', 'a3'],
    ])
    expect(headers([], { add: ['X-aDDed:a1'], append: ['X-aDDed:a2', 'X-aDDed:a3'] })).toEqual([
      ['x-added', 'a1'],
      ['x-added', 'a2'],
      ['x-added', 'a3'],
    ])
    expect(headers([], { append: ['h1:#value_with_hash'] })).toEqual([['h1', '#value_with_hash']])
  })

  it('remove then add (regression test): the added value replaces the removed one', () => {
    const removeThenAdd = { remove: ['Authorization'], add: ['Authorization:Basic test'] }
    expect(headers([['authorization', 'Basic dGVzdDp0ZXN0']], removeThenAdd)).toEqual([['authorization', 'Basic test']])
    expect(headers([], removeThenAdd)).toEqual([['authorization', 'Basic test']])
  })

  it('an entry without a value sets nothing', () => {
    expect(headers([['h1', 'v']], { replace: ['h1:'], add: ['h2:'], append: ['h1:'] })).toEqual([['h1', 'v']])
  })
})

describe('query strings', () => {
  it('remove, replace, add, append in Kong’s order; the result sorted as set_query writes it', () => {
    const config = { remove: ['toremovequery'], replace: ['toreplacequery:no'], add: ['query-added:newvalue', 'p1:anything:1'], append: ['p1:a2', 'p2:b1'] }
    expect(query('toremovequery=yes&nottoremove=yes&toreplacequery=yes', config)).toBe(
      'nottoremove=yes&p1=anything%3A1&p1=a2&p2=b1&query-added=newvalue&toreplacequery=no',
    )
    expect(query('query-added=oldvalue&q1=20', config)).toBe('p1=anything%3A1&p1=a2&p2=b1&q1=20&query-added=oldvalue')
  })

  it('rename: only a present argument, never onto itself; append to a list or a string', () => {
    expect(query('originalparam=true&nottorename=true', { rename: ['originalparam:renamedparam'] })).toBe('nottorename=true&renamedparam=true')
    expect(query('exist=true', { rename: ['inexist:exist'] })).toBe('exist=true')
    expect(query('q1=v0&q1=v1', { append: ['q1:v2'] })).toBe('q1=v0&q1=v1&q1=v2')
    expect(query('flag', { append: ['flag:v'] })).toBe('flag=v')
  })

  it('set_query: each key encoded apart (all but unreserved characters escaped) and the pairs sorted', () => {
    expect(query('q1=20', { add: ['uri_param1:foo', 'uri_param2[some_index][1]:bar'] })).toBe('q1=20&uri_param1=foo&uri_param2%5Bsome_index%5D%5B1%5D=bar')
    expect(orderedQuery(argsMap('b=1&a=x+y&c&a=%2F'))).toBe('a=x%20y&a=%2F&b=1&c')
    expect(encodeArgs([['k', "!'()*~-._ é"]])).toBe('k=%21%27%28%29%2A~-._%20%C3%A9')
  })
})

describe('form bodies', () => {
  const form = (body: string, operations: Partial<Operations>) => {
    const args = argsMap(body)
    return transformArgs(args, ops(operations), body.length > 0) ? encodeArgs(args) : undefined
  }

  it('remove, rename, replace act on a body with content; add and append also on an empty one', () => {
    expect(form('toremoveform=yes&nottoremove=yes', { remove: ['toremoveform'] })).toBe('nottoremove=yes')
    expect(form('originalparam=yes', { rename: ['originalparam:renamedparam'] })).toBe('renamedparam=yes')
    expect(form('p1=v&p2=v1', { replace: ['p1:v1'] })).toBe('p1=v1&p2=v1')
    expect(form('', { remove: ['a'], replace: ['a:b'] })).toBeUndefined()
    expect(form('', { append: ['p1:v1', 'p1:v2', 'p2:value:1'] })).toBe('p1=v1&p1=v2&p2=value%3A1')
    expect(form('p1=v0', { append: ['p1:v1', 'p1:v2'] })).toBe('p1=v0&p1=v1&p1=v2')
  })

  it('nothing to do leaves the body as it is (not rewritten)', () => {
    expect(form('x-a-header=true', { rename: ['originalparam:renamedparam'], replace: ['p1:v1'] })).toBeUndefined()
    expect(form('p1=should+not+change&hello=world', { add: ['p1:v1'] })).toBeUndefined()
  })
})

describe('JSON bodies', () => {
  const json = (body: string, operations: Partial<Operations>) => transformJsonBody(body, ops(operations))

  it('remove, rename, replace, add, append', () => {
    expect(json('{"toremoveform":"yes","nottoremove":"yes"}', { remove: ['toremoveform'] })).toBe('{"nottoremove":"yes"}')
    expect(json('{"originalparam":"yes","nottorename":"yes"}', { rename: ['originalparam:renamedparam'] })).toBe('{"nottorename":"yes","renamedparam":"yes"}')
    expect(json('{"p1":"v","p2":"v1"}', { replace: ['p1:v1'] })).toBe('{"p1":"v1","p2":"v1"}')
    expect(json('{"p2":"v1"}', { replace: ['p1:v1'] })).toBeUndefined()
    expect(json('{"hello":"world"}', { add: ['p1:v1'] })).toBe('{"hello":"world","p1":"v1"}')
    expect(json('{"p1":"this should not change"}', { add: ['p1:v1'] })).toBeUndefined()
    expect(json('{"p1":"v0"}', { append: ['p1:v1', 'p2:v1'] })).toBe('{"p1":["v0","v1"],"p2":["v1"]}')
  })

  it('an empty body is `{}` (add applies), one that is not JSON is left alone, empty arrays stay arrays', () => {
    expect(json('', { add: ['body:somecontent'] })).toBe('{"body":"somecontent"}')
    expect(json('', { remove: ['a'] })).toBeUndefined()
    expect(json('malformed json body', { add: ['p1:v1'], remove: ['p1'] })).toBeUndefined()
    expect(json('{"emptyarray":[]}', { remove: ['toremoveform'] })).toBe('{"emptyarray":[]}')
    expect(json('{"emptyarray":[], "p1":"v"}', { replace: ['p1:v1'] })).toBe('{"emptyarray":[],"p1":"v1"}')
  })

  it("Lua's truthiness: false is absent (add replaces it, replace and rename skip it), null is present", () => {
    expect(json('{"a":false,"b":null}', { add: ['a:x', 'b:y'] })).toBe('{"a":"x","b":null}')
    expect(json('{"a":false,"b":null}', { replace: ['a:x', 'b:y'] })).toBe('{"a":false,"b":"y"}')
    expect(json('{"a":false}', { rename: ['a:c'] })).toBeUndefined()
  })

  it('append to a number, an object, an empty object: as table.insert leaves them', () => {
    expect(json('{"n":1,"o":{"k":1},"e":{}}', { append: ['n:x', 'o:y', 'e:z'] })).toBe('{"n":["x"],"o":{"1":"y","k":1},"e":["z"]}')
  })

  it('a JSON array takes no keys (re-written as it was); a JSON scalar is left alone', () => {
    expect(json('[1, 2]', { add: ['p1:v1'] })).toBe('[1,2]')
    expect(json('"text"', { add: ['p1:v1'] })).toBeUndefined()
    expect(json('null', { add: ['p1:v1'] })).toBeUndefined()
  })
})

describe('multipart bodies', () => {
  const BOUNDARY = 'xYzZY'
  const CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`
  const encode = (text: string) => new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>
  const part = (name: string, value: string, extra = '') => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n${extra}\r\n${value}\r\n`
  const body = (...parts: string[]) => `${parts.join('')}--${BOUNDARY}--\r\n`
  const multipart = (text: string | null, operations: Partial<Operations>, contentType = CONTENT_TYPE) => {
    const result = transformMultipartBody(text === null ? null : encode(text), contentType, ops(operations))
    return result && new TextDecoder().decode(result)
  }

  it('remove and rename keep the other parts as they were (headers included)', () => {
    const original = body(part('toremoveform', 'yes'), part('file', 'bytes', 'Content-Type: text/plain\r\n'), part('nottoremove', 'yes'))
    expect(multipart(original, { remove: ['toremoveform'] })).toBe(body(part('file', 'bytes', 'Content-Type: text/plain\r\n'), part('nottoremove', 'yes')))
    expect(multipart(body(part('originalparam', 'yes'), part('nottorename', 'yes')), { rename: ['originalparam:renamedparam'] })).toBe(
      body(part('nottorename', 'yes'), part('renamedparam', 'yes')),
    )
  })

  it('replace moves the part to the end; add only a part that is absent; append is not done, as in Kong', () => {
    expect(multipart(body(part('p1', 'v'), part('p2', 'v1')), { replace: ['p1:v1'] })).toBe(body(part('p2', 'v1'), part('p1', 'v1')))
    expect(multipart(body(part('p2', 'v1')), { replace: ['p1:v1'] })).toBeUndefined()
    expect(multipart(body(part('p1', 'this should not change')), { add: ['p1:v1'] })).toBeUndefined()
    expect(multipart(null, { add: ['p1:v1'] })).toBe(body(part('p1', 'v1')))
    expect(multipart(body(part('p1', 'This should not change')), { append: ['p1:v1'] })).toBeUndefined()
  })

  it('values are bytes: a binary part comes through unchanged', () => {
    const binary = new Uint8Array([0xff, 0x00, 0x0d, 0x0a, 0x80])
    const head = encode(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="bin"\r\n\r\n`)
    const tail = encode(`\r\n${part('drop', 'x')}--${BOUNDARY}--\r\n`)
    const original = new Uint8Array([...head, ...binary, ...tail])
    const result = transformMultipartBody(original, CONTENT_TYPE, ops({ remove: ['drop'] }))!
    expect([...result]).toEqual([...head, ...binary, ...encode(`\r\n--${BOUNDARY}--\r\n`)])
  })

  it('the boundary as lua-multipart reads it (quoted); without one, no parts, and a written body has a boundary of its own', () => {
    expect(multipart(body(part('a', '1')), { remove: ['a'] }, `multipart/form-data; boundary="${BOUNDARY}"`)).toBe('')
    const written = multipart(null, { add: ['p1:v1'] }, 'multipart/form-data')!
    expect(written).toMatch(/^--(\w+)\r\nContent-Disposition: form-data; name="p1"\r\n\r\nv1\r\n--\1--\r\n$/)
  })
})
