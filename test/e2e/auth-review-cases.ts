// Review of the authentication plugins: what a client forges must not reach the function past
// them where Kong would not let it.

import { ACL_KEYS } from '../support/gateway-config.ts'
import { type Case, json } from './harness.ts'

const [, , NO_GROUPS] = ACL_KEYS

export const authReviewCases: Case[] = [
  {
    name: "acl deny: a consumer without groups passes, and a client's own X-Consumer-Groups does not reach the function (Kong sets it empty, which removes it)",
    async run(t) {
      const response = await t.send({ host: 'deny-admin.acl.test', path: '/', headers: { apikey: NO_GROUPS, 'x-consumer-groups': 'admin' } })
      t.equal(response.status, 200, 'status')
      t.equal(JSON.parse((await json(response)).body).request_headers['x-consumer-groups'], undefined, 'X-Consumer-Groups')
    },
  },
]
