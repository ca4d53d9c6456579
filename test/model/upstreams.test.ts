// Upstreams and targets as Kong's schemas read them (kong/db/schema/entities/upstreams.lua,
// targets.lua): defaults, the algorithm/hash_on shorthands, the entity checks in Kong's words,
// targets formatted as Kong's DAO formats them, and what this gateway refuses by name.

import { describe, expect, it } from 'vitest'
import { buildGatewayConfig, type GatewayUpstream } from '../../src/model/declarative.ts'
import type { ConfigProblem } from '../../src/model/validate.ts'
import { configError } from '../support/expect-error.ts'

const document = (upstream: Record<string, unknown>) => ({ _format_version: '3.0', upstreams: [{ name: 'up', ...upstream }] })
const load = (upstream: Record<string, unknown>): GatewayUpstream => buildGatewayConfig(document(upstream), {}).upstreams[0]
const problemsOf = (upstream: Record<string, unknown>): ConfigProblem[] => configError(() => buildGatewayConfig(document(upstream), {})).problems

describe('upstreams', () => {
  it("takes Kong's defaults", () => {
    const upstream = load({})
    expect(upstream).toMatchObject({ algorithm: 'round-robin', hash_on: 'none', hash_fallback: 'none', hash_on_cookie_path: '/', slots: 10000, targets: [] })
    expect(upstream.healthchecks).toEqual({
      active: {
        type: 'http',
        timeout: 1,
        concurrency: 10,
        http_path: '/',
        https_verify_certificate: true,
        healthy: { interval: 0, http_statuses: [200, 302], successes: 0 },
        unhealthy: { interval: 0, http_statuses: [429, 404, 500, 501, 502, 503, 504, 505], tcp_failures: 0, timeouts: 0, http_failures: 0 },
      },
      passive: {
        type: 'http',
        healthy: { http_statuses: [200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308], successes: 0 },
        unhealthy: { http_statuses: [429, 500, 503], tcp_failures: 0, timeouts: 0, http_failures: 0 },
      },
      threshold: 0,
    })
  })

  it.each([
    [{ hash_on: 'header', hash_on_header: 'x-a' }, 'consistent-hashing', 'header'],
    [{ algorithm: 'round-robin', hash_on: 'ip' }, 'consistent-hashing', 'ip'],
    [{ algorithm: 'consistent-hashing', hash_on: 'none' }, 'round-robin', 'none'],
    [{ algorithm: 'consistent-hashing' }, 'consistent-hashing', 'none'],
    [{ algorithm: 'least-connections', hash_on: 'ip' }, 'least-connections', 'none'],
  ])("Kong's shorthands: %j → %s on %s", (fields, algorithm, hashOn) => {
    expect(load(fields)).toMatchObject({ algorithm, hash_on: hashOn })
  })

  it.each([
    [
      { hash_on: 'header' },
      [
        ['up.hash_on_header', 'required field missing'],
        ['up', "failed conditional validation given value of field 'hash_on'"],
      ],
    ],
    [
      { hash_on: 'cookie' },
      [
        ['up.hash_on_cookie', 'required field missing'],
        ['up', "failed conditional validation given value of field 'hash_on'"],
      ],
    ],
    [
      { hash_on: 'query_arg' },
      [
        ['up.hash_on_query_arg', 'required field missing'],
        ['up', "failed conditional validation given value of field 'hash_on'"],
      ],
    ],
    [
      { hash_on: 'uri_capture' },
      [
        ['up.hash_on_uri_capture', 'required field missing'],
        ['up', "failed conditional validation given value of field 'hash_on'"],
      ],
    ],
    [
      { hash_on: 'ip', hash_fallback: 'header' },
      [
        ['up.hash_fallback_header', 'required field missing'],
        ['up', "failed conditional validation given value of field 'hash_fallback'"],
      ],
    ],
    [
      { hash_on: 'ip', hash_fallback: 'ip' },
      [
        ['up.hash_fallback', 'expected one of: none, consumer, header, cookie, path, query_arg, uri_capture'],
        ['up', "failed conditional validation given value of field 'hash_on'"],
      ],
    ],
    [
      { hash_on: 'path', hash_fallback: 'path' },
      [
        ['up.hash_fallback', 'expected one of: none, consumer, header, cookie, query_arg, ip, uri_capture'],
        ['up', "failed conditional validation given value of field 'hash_on'"],
      ],
    ],
    [
      { hash_on: 'cookie', hash_on_cookie: 'c', hash_fallback: 'ip' },
      [
        ['up.hash_fallback', 'expected one of: none'],
        ['up', "failed conditional validation given value of field 'hash_on'"],
      ],
    ],
    [
      { hash_on: 'header', hash_on_header: 'x-a', hash_fallback: 'header', hash_fallback_header: 'x-a' },
      [['up', "values of these fields must be distinct: 'hash_on_header', 'hash_fallback_header'"]],
    ],
    [{ hash_on: 'header', hash_on_header: 'x a' }, [['up.hash_on_header', "bad header name 'x a', allowed characters are A-Z, a-z, 0-9, '_', and '-'"]]],
    [{ hash_on: 'cookie', hash_on_cookie: 'a=b' }, [['up.hash_on_cookie', expect.stringMatching(/^contains one or more invalid characters/)]]],
    [{ slots: 5 }, [['up.slots', 'value should be between 10 and 65536']]],
    [{ healthchecks: { threshold: 101 } }, [['up.healthchecks.threshold', 'value should be between 0 and 100']]],
    [{ algorithm: 'latency' }, [['up.algorithm', "algorithm 'latency' is not supported"]]],
    [{ use_srv_name: true }, [['up.use_srv_name', 'not supported: targets are not resolved through DNS SRV records']]],
    [{ client_certificate: '00000000-0000-4000-8000-000000000001' }, [['up.client_certificate', expect.stringMatching(/^invalid reference/)]]],
  ])("Kong's entity checks: %j", (fields, expected) => {
    const problems = problemsOf(fields).map(({ path, message }) => [path.replace('upstreams[0]', 'up'), message])
    expect(problems).toEqual(expected)
  })
})

describe('an upstream client_certificate', () => {
  it("is refused by name: the service's applies", () => {
    const id = '00000000-0000-4000-8000-000000000001'
    const pem = (label: string) => `-----BEGIN ${label}-----\nMAA=\n-----END ${label}-----`
    const certificates = [{ id, cert: pem('CERTIFICATE'), key: pem('PRIVATE KEY') }]
    const problems = configError(() => buildGatewayConfig({ ...document({ client_certificate: id }), certificates }, {})).problems
    expect(problems).toContainEqual({ path: 'upstreams[0].client_certificate', message: "not supported: set the service's client_certificate" })
  })
})

describe('targets', () => {
  it('are formatted as Kong formats them: port 8000 where none is written, IPv6 bracketed, weight 100', () => {
    const upstream = load({ targets: [{ target: 'a.example' }, { target: '10.0.0.1:81', weight: 0 }, { target: '::1' }, { target: '[::2]:82' }] })
    expect(upstream.targets.map(({ target, host, port, weight }) => [target, host, port, weight])).toEqual([
      ['a.example:8000', 'a.example', 8000, 100],
      ['10.0.0.1:81', '10.0.0.1', 81, 0],
      ['[::1]:8000', '::1', 8000, 100],
      ['[::2]:82', '::2', 82, 100],
    ])
  })

  it("the same target written twice in one upstream has Kong's derived id twice", () => {
    const problems = problemsOf({ targets: [{ target: '10.0.0.1:80' }, { target: '10.0.0.1:80', weight: 5 }] })
    expect(problems).toEqual([
      {
        path: 'upstreams[0].targets[1].id',
        message: expect.stringMatching(/^uniqueness violation: 'targets' entity with primary key set to '[0-9a-f-]{36}' already declared$/),
      },
    ])
  })

  it('two spellings of one address are two targets, as in Kong', () => {
    expect(load({ targets: [{ target: '10.0.0.1' }, { target: '10.0.0.1:8000' }] }).targets.map((t) => t.target)).toEqual(['10.0.0.1:8000', '10.0.0.1:8000'])
  })
})
