// API Gateway events without a body (hardening item 10), as AWS sends them: payload 2.0 has no
// `body` key then (AWS's 2.0 schema refuses `body: null`), 1.0 has `body: null`; both
// `isBase64Encoded: false`. Every event here also passes AWS's published schema (eventFor).

import { bodyKeys, NO_BODY } from '../support/aws-event-schema.ts'
import { eventFor } from './api-gateway-cases.ts'
import { type Case, post } from './harness.ts'

export const eventSchemaCases: Case[] = [
  {
    name: 'API Gateway 2.0: a request without a body (GET, an empty POST, DELETE) has no body key; 1.0 has body: null',
    async run(t) {
      for (const [host, version, path] of [
        ['apigw1.test', '1.0', '/plain'],
        ['apigw2.test', '2.0', '/plain'],
        ['apigw2-any.test', '2.0', '/any'],
      ] as const) {
        const requests = [{ host, path }, { ...post(host, ''), path }, ...(host === 'apigw2-any.test' ? [{ host, path, method: 'DELETE' }] : [])]
        for (const request of requests) {
          const event = await eventFor(t, request)
          t.equal(bodyKeys(event), NO_BODY[version], `${host} ${request.method ?? 'GET'}`)
        }
      }
    },
  },
]
