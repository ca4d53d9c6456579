import { describe, expect, it } from 'vitest'
import { REDACTED, redactSecrets, secretValues } from '../../src/model/secrets.ts'

describe('secretValues', () => {
  it('finds aws_secret, the Redis password and the secret fields of credentials wherever they are nested, and nothing else', () => {
    const document = {
      _format_version: '3.0',
      routes: [{ name: 'r', plugins: [{ name: 'aws-lambda', config: { aws_key: 'AKID', aws_secret: 's1' } }] }],
      plugins: [
        { name: 'rate-limiting', config: { policy: 'redis', redis: { host: 'h', username: 'u', password: 's8' } } },
        { name: 'rate-limiting', config: { policy: 'redis', redis_host: 'h', redis_password: 's9' } },
      ],
      consumers: [
        {
          username: 'key',
          keyauth_credentials: [{ key: 's2', tags: ['key'] }],
          basicauth_credentials: [{ username: 'u', password: 's3' }],
          jwt_secrets: [{ key: 'iss', secret: 's4', algorithm: 'HS256' }],
          plugins: [{ name: 'aws-lambda', config: { aws_secret: 's5' } }],
        },
      ],
      keyauth_credentials: [{ consumer: 'key', key: 's6' }],
      certificates: [{ cert: 'public', key: 's7' }],
    }
    expect(secretValues(document)).toEqual([
      { path: 'routes[0].plugins[0].config.aws_secret', value: 's1' },
      { path: 'plugins[0].config.redis.password', value: 's8' },
      { path: 'plugins[1].config.redis_password', value: 's9' },
      { path: 'consumers[0].keyauth_credentials[0].key', value: 's2' },
      { path: 'consumers[0].basicauth_credentials[0].password', value: 's3' },
      { path: 'consumers[0].jwt_secrets[0].secret', value: 's4' },
      { path: 'consumers[0].plugins[0].config.aws_secret', value: 's5' },
      { path: 'keyauth_credentials[0].key', value: 's6' },
      { path: 'certificates[0].key', value: 's7' },
    ])
  })

  it("finds the exporters' headers and an endpoint's password, and redacts them in place", () => {
    const document = {
      plugins: [
        {
          name: 'http-log',
          config: { http_endpoint: 'https://user:HTTPLOG_PASSWORD@logs.example/ingest', headers: { Authorization: 'Bearer HTTPLOG_TOKEN' } },
        },
        { name: 'opentelemetry', config: { traces_endpoint: 'https://otlp.example/v1/traces', headers: { 'x-honeycomb-team': 'OTLP_TOKEN' } } },
        { name: 'request-transformer', config: { add: { headers: ['x-kept:visible'] } } },
      ],
    }
    expect(secretValues(document).map(({ path, value }) => [path, value])).toEqual([
      ['plugins[0].config.headers.Authorization', 'Bearer HTTPLOG_TOKEN'],
      ['plugins[0].config.http_endpoint', 'HTTPLOG_PASSWORD'],
      ['plugins[1].config.headers.x-honeycomb-team', 'OTLP_TOKEN'],
    ])
    const shown = JSON.stringify(redactSecrets(document))
    for (const secret of ['HTTPLOG_PASSWORD', 'HTTPLOG_TOKEN', 'OTLP_TOKEN']) expect(shown).not.toContain(secret)
    expect(shown).toContain(`https://user:${REDACTED}@logs.example/ingest`)
    expect(shown).toContain('x-kept:visible')
  })
})
