// The acl plugin through the whole pipeline (createGateway), with an authentication plugin made
// for the test: Kong's spec/03-plugins/18-acl/02-access_spec.lua ported (401 and 403 and when
// each applies, allow and deny lists, X-Consumer-Groups / X-Authenticated-Groups, authenticated
// groups, always_use_authenticated_groups), Kong Enterprise's include_consumer_groups, and its
// schema's checks (01-api_spec / schema) in Kong's words.

import { describe, expect, it } from 'vitest'
import { createGateway } from '../../../src/gateway.ts'
import { createLogger } from '../../../src/log.ts'
import { buildGatewayConfig } from '../../../src/model/declarative.ts'
import { ConfigError } from '../../../src/model/validate.ts'
import { authenticate } from '../../../src/pipeline/authenticate.ts'
import { writableAnswer } from '../../../src/pipeline/exchange.ts'
import type { PluginDefinition } from '../../../src/pipeline/plugin.ts'
import { aclPlugin } from '../../../src/plugins/acl/index.ts'
import { headersUpstream } from '../../support/headers-upstream.ts'

/**
 * Recognises a request by `x-test-key` (a keyauth credential: the consumer with a credential),
 * `x-test-anonymous` (a consumer by username, without a credential: Kong's anonymous consumer),
 * and sets authenticated groups from `x-test-groups` (as Kong's session plugin does).
 */
const testAuth: PluginDefinition = {
  name: 'test-auth',
  priority: 1000,
  schema: {},
  create: (_config, setup) => ({
    access(ctx) {
      const key = ctx.headers.get('x-test-key')
      const credential = setup.consumers.credentials.keyauth.find((c) => c.key === key)
      if (credential) authenticate(ctx, credential.consumer, { credential, identifier: credential.id })
      const anonymous = setup.consumers.consumers.find((c) => c.username === ctx.headers.get('x-test-anonymous'))
      if (anonymous) authenticate(ctx, anonymous)
      const groups = ctx.headers.get('x-test-groups')
      if (groups !== null) ctx.authenticatedGroups = groups === '' ? [] : groups.split(',')
      return undefined
    },
  }),
}

const registry = [testAuth, aclPlugin, headersUpstream] as PluginDefinition[]

const CONSUMERS = [
  { username: 'admin', keyauth_credentials: [{ key: 'admin-key' }], acls: [{ group: 'admin' }] },
  { username: 'pro', keyauth_credentials: [{ key: 'pro-key' }], acls: [{ group: 'pro' }, { group: 'hello' }], groups: [{ name: 'gold' }] },
  { username: 'nogroups', keyauth_credentials: [{ key: 'none-key' }] },
  { username: 'anonymous', acls: [{ group: 'anonymous' }] },
  { username: 'anonymous-without-groups' },
  { username: 'wang', keyauth_credentials: [{ key: 'wang-key' }], acls: [{ group: '管理员' }, { group: 'ops' }] },
]

function gatewayWith(config: Record<string, unknown>) {
  const log = createLogger('error', () => {})
  const document = {
    _format_version: '3.0',
    consumer_groups: [{ name: 'gold' }],
    consumers: CONSUMERS,
    routes: [{ name: 'r', paths: ['/'], plugins: [{ name: 'test-auth' }, { name: 'acl', config }, { name: 'test-upstream' }] }],
  }
  const gateway = createGateway({ config: buildGatewayConfig(document, {}, { registry }), env: {}, log, registry })
  return async (headers: Record<string, string> = {}) => {
    const response = writableAnswer(await gateway.handle(new Request('http://gateway.test/', { headers })), log)
    return { status: response.status, body: (await response.json()) as Record<string, string> }
  }
}

const UNAUTHORIZED = (body: Record<string, string>) => expect(body).toEqual({ message: 'Unauthorized', request_id: expect.any(String) })
const FORBIDDEN = (body: Record<string, string>) => expect(body).toEqual({ message: 'You cannot consume this service', request_id: expect.any(String) })

describe('acl', () => {
  it('401 Unauthorized without a consumer (no authentication plugin recognised the request)', async () => {
    for (const config of [{ allow: ['admin'] }, { deny: ['admin'] }]) {
      const { status, body } = await gatewayWith(config)()
      expect(status).toBe(401)
      UNAUTHORIZED(body)
    }
  })

  it('allow: a consumer in a listed group passes with X-Consumer-Groups; one in none is 403', async () => {
    const send = gatewayWith({ allow: ['admin'] })
    const allowed = await send({ 'x-test-key': 'admin-key' })
    expect([allowed.status, allowed.body['x-consumer-groups']]).toEqual([200, 'admin'])
    const refused = await send({ 'x-test-key': 'pro-key' })
    expect(refused.status).toBe(403)
    FORBIDDEN(refused.body)
  })

  it('allow: a consumer without groups is 403 with a credential, 401 as the anonymous consumer', async () => {
    const send = gatewayWith({ allow: ['admin'] })
    const credential = await send({ 'x-test-key': 'none-key' })
    expect(credential.status).toBe(403)
    FORBIDDEN(credential.body)
    const anonymous = await send({ 'x-test-anonymous': 'anonymous-without-groups' })
    expect(anonymous.status).toBe(401)
    UNAUTHORIZED(anonymous.body)
  })

  it('groups beyond Latin-1 pass, told in X-Consumer-Groups as their UTF-8 bytes, as Kong sends them (was a 500)', async () => {
    const allowed = await gatewayWith({ allow: ['管理员'] })({ 'x-test-key': 'wang-key' })
    expect(allowed.status).toBe(200)
    expect(allowed.body['x-consumer-groups']).toBe(String.fromCharCode(...new TextEncoder().encode('管理员, ops')))
  })

  it('multi lists: any one group of the consumer in the list; every group in X-Consumer-Groups', async () => {
    const allowed = await gatewayWith({ allow: ['hello', 'other'] })({ 'x-test-key': 'pro-key' })
    expect([allowed.status, allowed.body['x-consumer-groups']]).toEqual([200, 'pro, hello'])
    expect((await gatewayWith({ deny: ['other', 'hello'] })({ 'x-test-key': 'pro-key' })).status).toBe(403)
    expect((await gatewayWith({ deny: ['other', 'admin'] })({ 'x-test-key': 'pro-key' })).status).toBe(200)
  })

  it("deny: a listed group is 403; others pass, a consumer without groups too (and gets no X-Consumer-Groups, not even the client's)", async () => {
    const send = gatewayWith({ deny: ['admin'] })
    const denied = await send({ 'x-test-key': 'admin-key' })
    expect(denied.status).toBe(403)
    FORBIDDEN(denied.body)
    const passed = await send({ 'x-test-key': 'pro-key' })
    expect([passed.status, passed.body['x-consumer-groups']]).toEqual([200, 'pro, hello'])
    const none = await send({ 'x-test-key': 'none-key', 'x-consumer-groups': 'forged' })
    expect(none.status).toBe(200)
    // As in Kong: the header is set to the empty list, which lua-nginx-module's set_header turns into removing every line of it.
    expect(none.body['x-consumer-groups']).toBeUndefined()
    expect((await send({ 'x-test-anonymous': 'anonymous-without-groups' })).status).toBe(200)
  })

  it('the anonymous consumer is checked by its own groups', async () => {
    const allowed = await gatewayWith({ allow: ['anonymous'] })({ 'x-test-anonymous': 'anonymous' })
    expect([allowed.status, allowed.body['x-consumer-groups']]).toEqual([200, 'anonymous'])
    expect((await gatewayWith({ allow: ['admin'] })({ 'x-test-anonymous': 'anonymous' })).status).toBe(403)
  })

  it("hide_groups_header: no X-Consumer-Groups is set (a client's own is left as it is, as in Kong)", async () => {
    const send = gatewayWith({ allow: ['admin'], hide_groups_header: true })
    const response = await send({ 'x-test-key': 'admin-key' })
    expect([response.status, response.body['x-consumer-groups']]).toEqual([200, undefined])
  })

  it("a client's X-Consumer-Groups is replaced by the consumer's groups", async () => {
    const response = await gatewayWith({ allow: ['admin'] })({ 'x-test-key': 'admin-key', 'x-consumer-groups': 'root' })
    expect(response.body['x-consumer-groups']).toBe('admin')
  })

  describe('authenticated groups (set by an authentication plugin: none of this gateway yet)', () => {
    it('without a consumer: checked instead, told in X-Authenticated-Groups (never X-Consumer-Groups)', async () => {
      const send = gatewayWith({ allow: ['admin'] })
      const allowed = await send({ 'x-test-groups': 'pro,admin' })
      expect([allowed.status, allowed.body['x-authenticated-groups'], allowed.body['x-consumer-groups']]).toEqual([200, 'pro, admin', undefined])
      const refused = await send({ 'x-test-groups': 'pro' })
      expect(refused.status).toBe(403)
      FORBIDDEN(refused.body)
      expect((await send({ 'x-test-groups': '' })).status).toBe(403)
      expect((await gatewayWith({ deny: ['admin'] })({ 'x-test-groups': 'pro' })).status).toBe(200)
      expect((await gatewayWith({ deny: ['admin'] })({ 'x-test-groups': 'admin' })).status).toBe(403)
      const hidden = await gatewayWith({ allow: ['admin'], hide_groups_header: true })({ 'x-test-groups': 'admin' })
      expect(hidden.body['x-authenticated-groups']).toBeUndefined()
    })

    it("they replace the anonymous consumer's groups; a consumer with a credential is checked by its own", async () => {
      const anonymous = await gatewayWith({ allow: ['admin'] })({ 'x-test-anonymous': 'anonymous', 'x-test-groups': 'admin' })
      expect([anonymous.status, anonymous.body['x-authenticated-groups'], anonymous.body['x-consumer-groups']]).toEqual([200, 'admin', undefined])
      expect((await gatewayWith({ allow: ['anonymous'] })({ 'x-test-anonymous': 'anonymous', 'x-test-groups': 'admin' })).status).toBe(403)
      const credential = await gatewayWith({ allow: ['admin'] })({ 'x-test-key': 'admin-key', 'x-test-groups': 'pro' })
      expect([credential.status, credential.body['x-consumer-groups']]).toEqual([200, 'admin'])
      expect((await gatewayWith({ allow: ['pro'] })({ 'x-test-key': 'admin-key', 'x-test-groups': 'pro' })).status).toBe(403)
    })

    it('always_use_authenticated_groups: they are used for a consumer with a credential too; without them, its own', async () => {
      const send = gatewayWith({ allow: ['pro'], always_use_authenticated_groups: true })
      const used = await send({ 'x-test-key': 'admin-key', 'x-test-groups': 'pro' })
      expect([used.status, used.body['x-authenticated-groups'], used.body['x-consumer-groups']]).toEqual([200, 'pro', undefined])
      expect((await send({ 'x-test-key': 'pro-key', 'x-test-groups': 'admin' })).status).toBe(403)
      const fallback = await send({ 'x-test-key': 'pro-key' })
      expect([fallback.status, fallback.body['x-consumer-groups']]).toEqual([200, 'pro, hello'])
    })
  })

  it("include_consumer_groups (Kong Enterprise): the consumer's consumer groups count as groups", async () => {
    expect((await gatewayWith({ allow: ['gold'] })({ 'x-test-key': 'pro-key' })).status).toBe(403)
    const included = await gatewayWith({ allow: ['gold'], include_consumer_groups: true })({ 'x-test-key': 'pro-key' })
    expect([included.status, included.body['x-consumer-groups']]).toEqual([200, 'pro, hello, gold'])
    expect((await gatewayWith({ deny: ['gold'], include_consumer_groups: true })({ 'x-test-key': 'pro-key' })).status).toBe(403)
  })
})

describe('acl config', () => {
  const problems = (config: unknown, extra: Record<string, unknown> = {}) => {
    try {
      buildGatewayConfig(
        {
          _format_version: '3.0',
          consumers: [{ username: 'c' }],
          routes: [{ name: 'r', paths: ['/'], plugins: [{ name: 'acl', config, ...extra }] }],
        },
        {},
      )
      return []
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      return error.problems.map((p) => `${p.path}: ${p.message}`)
    }
  }

  it("exactly one of allow and deny, in Kong's words (an empty list is none)", () => {
    const at = 'routes[0].plugins[0]'
    const onlyOne = `${at}: exactly one of these fields must be non-empty: 'config.allow', 'config.deny'`
    const atLeast = `${at}: at least one of these fields must be non-empty: 'config.allow', 'config.deny'`
    expect(problems({ allow: ['a'] })).toEqual([])
    expect(problems({ deny: ['a'], allow: [] })).toEqual([])
    expect(problems({ allow: ['a'], deny: ['b'] })).toEqual([onlyOne])
    expect(problems({})).toEqual([onlyOne, atLeast])
    expect(problems({ allow: [], deny: [] })).toEqual([onlyOne, atLeast])
    expect(problems({ allow: 'a' })[0]).toBe(`${at}.config.allow: expected an array`)
  })

  it('cannot be scoped to a consumer (Kong: consumer = typedefs.no_consumer)', () => {
    expect(problems({ allow: ['a'] }, { consumer: 'c' })).toEqual(['routes[0].plugins[0].consumer: value must be null'])
  })
})
