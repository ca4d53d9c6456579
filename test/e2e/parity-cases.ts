// Guarantees that were tested on one runtime only, as
// shared cases so that they hold on Node, inside workerd and under Deno alike.

import { MIN_REFRESH_INTERVAL_MS } from '../../src/credentials/chain.ts'
import { type Case, type E2E, expectSanitised, get, json } from './harness.ts'

/** Headers a client sets to pass for someone else; only the edge (Workers) or the TCP peer (Node, Deno) tells who it is. */
const SPOOFED_CLIENT = { 'x-forwarded-for': '198.51.100.66', 'x-real-ip': '198.51.100.67', forwarded: 'for=198.51.100.68' }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The access key id that signed the Invoke call the echo function answers. */
async function signer(t: E2E, host: string): Promise<string | undefined> {
  const response = await t.send({ host, path: '/' })
  t.equal(response.status, 200, `${host} status`)
  return /Credential=([^/]+)\//.exec((await json(response)).headers.authorization)?.[1]
}

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
  {
    name: 'never invoked twice: a connection Lambda resets is one Invoke per client request, buffered and streamed',
    async run(t) {
      const requests = 5
      for (const [host, path] of [
        ['reset.test', '/2015-03-31/functions/functionReset/invocations'],
        ['reset.stream.test', '/2021-11-15/functions/functionReset/response-streaming-invocations'],
      ]) {
        const invoked = async () => (await t.invocations()).filter((invocation) => invocation.rawPath === path).length
        const before = await invoked()
        // One alone, then several at once (on pooled connections where the runtime pools them).
        await expectSanitised(t, await t.send(get(host, '/')), 500)
        const burst = await Promise.all(Array.from({ length: requests - 1 }, () => t.send(get(host, '/'))))
        t.equal(
          burst.map((response) => response.status),
          Array(requests - 1).fill(500),
          `${host} statuses`,
        )
        // A retry would arrive a moment after the failure it answers: give it the time.
        await sleep(200)
        t.equal((await invoked()) - before, requests, `${host}: Invoke calls for ${requests} client requests`)
      }
    },
  },
  {
    name: 'credentials that expire within five minutes are refreshed before signing, long-lived ones are kept (AssumeRole)',
    async run(t) {
      // The mock STS issues assume-role-short.test's role credentials for 4 minutes, assume-role-keys.test's for an hour.
      const short = await signer(t, 'assume-role-short.test')
      const long = await signer(t, 'assume-role-keys.test')
      t.ok(short?.startsWith('ASIASTS') && long?.startsWith('ASIASTS'), `assumed-role keys sign: ${short}, ${long}`)
      // Credentials already inside the window are refreshed at most once a second: wait that out.
      await sleep(MIN_REFRESH_INTERVAL_MS + 100)
      const refreshed = await signer(t, 'assume-role-short.test')
      t.ok(refreshed !== short && refreshed?.startsWith('ASIASTS'), `the 4-minute credentials were replaced before signing (${short} → ${refreshed})`)
      t.equal(await signer(t, 'assume-role-keys.test'), long, 'the 1-hour credentials are still in use')
    },
  },
]
