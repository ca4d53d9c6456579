// The acl plugin on every runtime: Kong's spec/03-plugins/18-acl/02-access_spec.lua ported, with
// consumers recognised by key-auth (`apikey`, Kong's default key name); the whole behaviour is
// also covered through the pipeline in test/plugins/acl/acl.test.ts.

import { ACL_KEYS } from '../support/gateway-config.ts'
import { type Case, type E2E, json } from './harness.ts'

const [ADMIN, PRO, NO_GROUPS] = ACL_KEYS

const send = (t: E2E, route: string, key?: string) => t.send({ host: `${route}.acl.test`, path: '/', headers: key ? { apikey: key } : {} })

async function expectRefused(t: E2E, route: string, key: string | undefined, status: number, message: string) {
  const response = await send(t, route, key)
  t.equal(response.status, status, `${route} status`)
  t.equal(await json(response), { message, request_id: response.headers.get('x-request-id') }, `${route} body`)
}

/** Let through: the X-Consumer-Groups the function got (undefined: none). */
async function groupsSent(t: E2E, route: string, key?: string): Promise<string | undefined> {
  const response = await send(t, route, key)
  t.equal(response.status, 200, `${route} status`)
  return JSON.parse((await json(response)).body).request_headers['x-consumer-groups']
}

const FORBIDDEN = 'You cannot consume this service'

export const aclCases: Case[] = [
  {
    name: 'acl: 401 Unauthorized without an authentication plugin; 403 for a consumer with a credential but no groups',
    async run(t) {
      await expectRefused(t, 'no-auth', undefined, 401, 'Unauthorized')
      await expectRefused(t, 'allow-admin', NO_GROUPS, 403, FORBIDDEN)
    },
  },
  {
    name: 'acl allow: a consumer in a listed group passes with X-Consumer-Groups (none with hide_groups_header); others are 403',
    async run(t) {
      t.equal(await groupsSent(t, 'allow-admin', ADMIN), 'admin', 'X-Consumer-Groups')
      await expectRefused(t, 'allow-admin', PRO, 403, FORBIDDEN)
      t.equal(await groupsSent(t, 'allow-admin-hidden', ADMIN), undefined, 'hidden X-Consumer-Groups')
      t.equal(await groupsSent(t, 'allow-multi', PRO), 'pro, hello', 'multi X-Consumer-Groups')
    },
  },
  {
    name: 'acl deny: a listed group is 403; others pass, a consumer without groups too',
    async run(t) {
      await expectRefused(t, 'deny-admin', ADMIN, 403, FORBIDDEN)
      t.equal(await groupsSent(t, 'deny-admin', PRO), 'pro, hello', 'X-Consumer-Groups')
      t.equal(await groupsSent(t, 'deny-admin', NO_GROUPS), undefined, 'no X-Consumer-Groups')
      await expectRefused(t, 'deny-multi', PRO, 403, FORBIDDEN)
    },
  },
  {
    name: "acl with key-auth's anonymous consumer: checked by the anonymous consumer's own groups",
    async run(t) {
      t.equal(await groupsSent(t, 'anonymous'), 'anonymous', 'X-Consumer-Groups')
      await expectRefused(t, 'anonymous', PRO, 403, FORBIDDEN)
    },
  },
]
