// The ip-restriction plugin on every runtime: Kong's spec/03-plugins/17-ip-restriction/02-access_spec.lua
// ported (its HTTP cases; gRPC and TCP streams are not served here). Kong's clients are 127.0.0.1, here
// too (CF-Connecting-IP on Workers). Its X-Forwarded-For and X-Real-IP cases come through a trusted
// proxy: the test gateways trust 127.0.0.2 (TRUSTED_IPS in TEST_ENV, with X-Forwarded-For read
// recursively), where Kong's spec trusts every address. Each route answers with the API Gateway event,
// whose sourceIp is the address the gateway saw (Kong's spec reads $remote_addr).

import { type Case, type E2E, json } from './harness.ts'

/** Kong's test client. */
const CLIENT = '127.0.0.1'
/** A proxy TEST_ENV's TRUSTED_IPS trusts. */
const PROXY = '127.0.0.2'

interface Attempt {
  /** The route: `ip-restriction<route>.test`. */
  route: string
  from?: string
  forwardedFor?: string
}

const send = (t: E2E, { route, from = CLIENT, forwardedFor }: Attempt) =>
  t.send({ host: `ip-restriction${route}.test`, path: '/', from, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } })

/** Refused with Kong's kong.response.error body. */
async function expectRefused(t: E2E, attempt: Attempt, address: string, status = 403, message = `IP address not allowed: ${address}`) {
  const response = await send(t, attempt)
  t.equal(response.status, status, `${attempt.route} status`)
  t.equal(await json(response), { message, request_id: response.headers.get('x-request-id') }, `${attempt.route} body`)
}

/** Let through to the function, which saw the request come from `address`. */
async function expectAllowed(t: E2E, attempt: Attempt, address: string) {
  const response = await send(t, attempt)
  t.equal(response.status, 200, `${attempt.route} status`)
  t.equal(JSON.parse((await json(response)).body).requestContext.identity.sourceIp, address, `${attempt.route} sourceIp`)
}

export const ipRestrictionCases: Case[] = [
  {
    name: 'ip-restriction deny: blocks a denied IP (403, or the configured status and message); lets others through',
    async run(t) {
      await expectRefused(t, { route: '1' }, CLIENT)
      await expectRefused(t, { route: '12' }, CLIENT, 401, 'Forbidden')
      await expectAllowed(t, { route: '2' }, CLIENT)
    },
  },
  {
    name: 'ip-restriction deny: a CIDR range; deny is checked before allow, so it wins over an allowed address or range',
    async run(t) {
      await expectRefused(t, { route: '5' }, CLIENT)
      await expectRefused(t, { route: '10' }, CLIENT)
      await expectRefused(t, { route: '9' }, CLIENT)
      await expectRefused(t, { route: '11' }, CLIENT)
    },
  },
  {
    name: 'ip-restriction allow: blocks an address not allowed, lets an allowed one and 0.0.0.0/0 through',
    async run(t) {
      await expectRefused(t, { route: '3' }, CLIENT)
      await expectAllowed(t, { route: '4' }, CLIENT)
      await expectAllowed(t, { route: '8' }, CLIENT)
    },
  },
  {
    name: 'ip-restriction X-Forwarded-For through a trusted proxy: deny',
    async run(t) {
      await expectAllowed(t, { route: '7' }, CLIENT)
      await expectAllowed(t, { route: '7', from: PROXY, forwardedFor: '127.0.0.3' }, '127.0.0.3')
      await expectRefused(t, { route: '7', from: PROXY, forwardedFor: '127.0.0.4' }, '127.0.0.4')
    },
  },
  {
    name: 'ip-restriction X-Forwarded-For through a trusted proxy: allow, read recursively from the right',
    async run(t) {
      await expectRefused(t, { route: '6' }, CLIENT)
      await expectRefused(t, { route: '6', from: PROXY, forwardedFor: '127.0.0.3' }, '127.0.0.3')
      await expectAllowed(t, { route: '6', from: PROXY, forwardedFor: '127.0.0.4' }, '127.0.0.4')
      await expectAllowed(t, { route: '6', from: PROXY, forwardedFor: '127.0.0.4, 127.0.0.3' }, '127.0.0.4')
    },
  },
  {
    name: 'ip-restriction: a client that is not a trusted proxy cannot choose its address with X-Forwarded-For',
    async run(t) {
      await expectRefused(t, { route: '6', forwardedFor: '127.0.0.4' }, CLIENT)
      await expectRefused(t, { route: '7', from: '127.0.0.4', forwardedFor: '127.0.0.3' }, '127.0.0.4')
    },
  },
  {
    name: 'ip-restriction IPv6: deny and allow by address and CIDR range, deny first (Kong sends X-Real-IP, here X-Forwarded-For)',
    async run(t) {
      const v6 = (route: string, forwardedFor = '::1') => ({ route: `-v6-${route}`, from: PROXY, forwardedFor })
      await expectRefused(t, v6('1'), '::1')
      await expectAllowed(t, v6('2'), '::1')
      await expectRefused(t, v6('3', 'fe80::1'), 'fe80::1')
      await expectRefused(t, v6('8'), '::1')
      await expectRefused(t, v6('7'), '::1')
      await expectRefused(t, v6('9'), '::1')
      await expectRefused(t, v6('4'), '::1')
      await expectAllowed(t, v6('5'), '::1')
      await expectAllowed(t, v6('6'), '::1')
      // An IPv4 client does not match IPv6 ranges, ::/0 included.
      await expectRefused(t, { route: '-v6-6' }, CLIENT)
    },
  },
  {
    name: 'ip-restriction IPv6 X-Forwarded-For, read recursively from the right',
    async run(t) {
      const v6 = (route: string, forwardedFor: string) => ({ route: `-v6-${route}`, from: PROXY, forwardedFor })
      await expectAllowed(t, v6('10', '::3'), '::3')
      await expectRefused(t, v6('10', '::4'), '::4')
      await expectRefused(t, v6('10', '::4, ::3'), '::4')
      await expectAllowed(t, v6('10', '::3, ::4'), '::3')
      await expectRefused(t, v6('11', '::3'), '::3')
      await expectAllowed(t, v6('11', '::4'), '::4')
      await expectAllowed(t, v6('11', '::4, ::3'), '::4')
      await expectRefused(t, v6('11', '::3, ::4'), '::3')
    },
  },
]
