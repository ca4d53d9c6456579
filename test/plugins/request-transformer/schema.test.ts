// request-transformer's config: Kong's schema spec (spec/03-plugins/36-request-transformer/01-schema_spec.lua),
// the checks of kong/plugins/request-transformer/schema.lua in Kong's words, and `$(…)` Lua
// templates refused with the field named.

import { describe, expect, it } from 'vitest'
import { createGateway } from '../../../src/gateway.ts'
import { createLogger } from '../../../src/log.ts'
import { buildGatewayConfig } from '../../../src/model/declarative.ts'
import type { RequestTransformerConfig } from '../../../src/plugins/request-transformer/schema.ts'
import type { UpstreamRequest } from '../../../src/proxy/upstream-transport.ts'
import { gatewayWith, loadProblems, pluginConfigProblems, validPluginConfig } from '../../support/plugin-config.ts'

const NAME = 'request-transformer'
const EMPTY = { body: [], headers: [], querystring: [] }

describe("Kong's schema spec", () => {
  it('validates http_method', () => {
    expect(validPluginConfig<RequestTransformerConfig>(NAME, { http_method: 'GET' }).http_method).toBe('GET')
  })

  it('errors invalid http_method', () => {
    expect(pluginConfigProblems(NAME, { http_method: 'HELLO!' })).toEqual({ http_method: 'invalid value: HELLO!' })
  })

  it('a template as a value is refused (Kong renders it with Lua; this gateway runs none), naming the field', () => {
    expect(pluginConfigProblems(NAME, { add: { querystring: ['uri_param1:$(uri_captures.user1)', 'uri_param2:value'] } })).toEqual({
      'add.querystring[0]': "'$(uri_captures.user1)' is a Lua template ($(…)): lambda-gateway runs no Lua, so write the value itself",
    })
  })

  it('error for missing value', () => {
    expect(pluginConfigProblems(NAME, { add: { querystring: ['uri_param2:'] } })).toEqual({ 'add.querystring[0]': "key 'uri_param2' has no value" })
  })

  it('error for malformed template in value', () => {
    expect(Object.keys(pluginConfigProblems(NAME, { add: { querystring: ['uri_param2:$(uri_captures user2)'] } }))).toEqual(['add.querystring[0]'])
  })
})

describe('request-transformer config', () => {
  it("every part defaults to empty lists, as Kong's records do", () => {
    expect(validPluginConfig<RequestTransformerConfig>(NAME)).toEqual({ remove: EMPTY, rename: EMPTY, replace: EMPTY, add: EMPTY, append: EMPTY })
    expect(validPluginConfig<RequestTransformerConfig>(NAME, { add: { headers: ['h1:v1'] } }).add).toEqual({ ...EMPTY, headers: ['h1:v1'] })
  })

  it('a list or a record set to null is refused, as Kong refuses it', () => {
    expect(pluginConfigProblems(NAME, { remove: null, add: { headers: null } })).toEqual({
      remove: 'required field missing',
      'add.headers': 'required field missing',
    })
  })

  it('header entries: a name Kong takes as a header, `name:value` where a value is needed', () => {
    expect(
      pluginConfigProblems(NAME, {
        remove: { headers: ['x-ok', 'not ok'] },
        add: { headers: ['x-no-colon', 'bad name:v'] },
        rename: { headers: ['x-old:new name'] },
      }),
    ).toEqual({
      'remove.headers[1]': "'not ok' is not a valid header",
      'rename.headers[0]': "'new name' is not a valid header",
      'add.headers[0]': 'invalid value: x-no-colon',
      'add.headers[1]': "'bad name' is not a valid header",
    })
  })

  it('query and body entries need a value (rename too)', () => {
    expect(pluginConfigProblems(NAME, { rename: { body: ['only-a-name'] }, append: { querystring: ['q'] } })).toEqual({
      'rename.body[0]': "key 'only-a-name' has no value",
      'append.querystring[0]': "key 'q' has no value",
    })
  })

  it('templates are refused wherever Kong would render one: header values, renames, replace.uri', () => {
    const problems = pluginConfigProblems(NAME, {
      add: { headers: ['x-test-header:$(query_params.q1)'] },
      rename: { querystring: ['a:$(b)'] },
      replace: { uri: '/requests/user2/$(uri_captures.user2)' },
    })
    expect(Object.keys(problems)).toEqual(['rename.querystring[0]', 'replace.uri', 'add.headers[0]'])
    expect(problems['replace.uri']).toBe(
      "'/requests/user2/$(uri_captures.user2)' is a Lua template ($(…)): lambda-gateway runs no Lua, so write the value itself",
    )
  })

  it('a `$` without a template is a plain value', () => {
    expect(validPluginConfig<RequestTransformerConfig>(NAME, { add: { headers: ['x-price:$5', 'x-shell:$(unclosed'] } }).add.headers).toEqual([
      'x-price:$5',
      'x-shell:$(unclosed',
    ])
  })
})

describe('request-transformer at load and per request', () => {
  it('a header value no HTTP server can send is refused at load, naming the field; text beyond Latin-1 is sent as UTF-8', () => {
    expect(loadProblems(NAME, { add: { headers: ['x-ok:fine', 'x-euro:5 €'] }, append: { headers: ['x-nul:a\u0000b', 'x-mixed:€\u0007'] } })).toEqual({
      'append.headers[0]': 'the header value cannot be sent: character U+0000 at 1',
      'append.headers[1]': 'the header value cannot be sent: character U+0007 at 1',
    })
  })

  it('header values are sent as their UTF-8 bytes, as Kong sends configured text (Latin-1 ones too: Zürich is C3 BC, not FC)', async () => {
    const sent: UpstreamRequest[] = []
    const document = {
      _format_version: '3.0',
      services: [
        {
          url: 'http://up.test',
          routes: [{ paths: ['/'], plugins: [{ name: NAME, config: { add: { headers: ['x-city:Zürich', 'x-town:東京'] } } }] }],
        },
      ],
    }
    const upstreamTransport = async (request: UpstreamRequest) => {
      sent.push(request)
      return new Response('ok')
    }
    const gateway = createGateway({ config: buildGatewayConfig(document, {}), env: {}, log: createLogger('error', () => {}), upstreamTransport })
    await gateway.handle(new Request('http://gateway.test/'))
    const bytes = (text: string) => String.fromCharCode(...new TextEncoder().encode(text))
    expect(sent[0].headers.filter(([name]) => name === 'x-city' || name === 'x-town')).toEqual([
      ['x-city', bytes('Zürich')],
      ['x-town', bytes('東京')],
    ])
  })

  it("what Kong's schema takes but fails on every request (a method set_method refuses, a uri without /) warns at start and answers 500, as in Kong", async () => {
    for (const [config, problem] of [
      [{ http_method: 'FOO' }, 'invalid method: FOO'],
      [{ replace: { uri: 'relative' } }, 'replace.uri must start with /'],
    ] as const) {
      const gateway = gatewayWith(NAME, config)
      expect(gateway.lines.some((line) => line.includes('"level":"warn"') && line.includes('every request will answer 500'))).toBe(true)
      const response = await gateway.send(new Request('http://gateway.test/'))
      expect(response.status).toBe(500)
      expect((await response.json()).message).toBe('An unexpected error occurred')
      expect(gateway.lines.some((line) => line.includes(problem))).toBe(true)
    }
  })
})
