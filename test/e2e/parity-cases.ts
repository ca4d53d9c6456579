// Guarantees that were tested on one runtime only (hardening issue, items 13 and 15), as
// shared cases so that they hold on Node, inside workerd and under Deno alike.

import { type Case, json } from './harness.ts'

/** Headers a client sets to pass for someone else; only the edge (Workers) or the TCP peer (Node, Deno) tells who it is. */
const SPOOFED_CLIENT = { 'x-forwarded-for': '198.51.100.66', 'x-real-ip': '198.51.100.67', forwarded: 'for=198.51.100.68' }

export const parityCases: Case[] = [
  {
    name: "API Gateway events' sourceIp is the TCP peer (CF-Connecting-IP on Workers), never a client's X-Forwarded-For",
    async run(t) {
      for (const [host, sourceIp] of [
        ['apigw1.test', (event: Record<string, any>) => event.requestContext.identity.sourceIp],
        ['apigw2.test', (event: Record<string, any>) => event.requestContext.http.sourceIp],
      ] as const) {
        const response = await t.send({ host, path: '/plain', headers: SPOOFED_CLIENT })
        t.equal(response.status, 200, 'status')
        const event = JSON.parse((await json(response)).body)
        t.equal(sourceIp(event), t.sourceIp, `${host} sourceIp`)
        t.equal(event.headers['x-forwarded-for'], '198.51.100.66', `${host}: the header itself reaches the function as sent`)
      }
    },
  },
]
