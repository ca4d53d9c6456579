// What the store fields both rate-limiting plugins share mean, for the README's field tables
// (`npm run docs`): apart from the schema, so that the Worker bundle carries no prose.

import type { FieldDocs } from '../model/schema.ts'
import type { policyFields } from './policy.ts'

export const policyFieldDocs: FieldDocs<typeof policyFields> = {
  policy: 'Where counters live: `local` (this process or isolate), `redis` (Node, Deno), `cluster` (Workers: Durable Objects).',
  fault_tolerant: 'When the store fails: let requests through (logged) instead of answering 500.',
  redis: 'The Redis server of `policy: redis` (the deprecated `redis_<field>` forms are read too).',
  'redis.host': 'Redis host (required with `policy: redis`).',
  'redis.port': 'Redis port.',
  'redis.timeout': 'Milliseconds for connecting, sending and reading.',
  'redis.username': 'Redis ACL username (Redis 6+).',
  'redis.password': 'Redis password (a secret: may be a vault reference).',
  'redis.database': 'Redis database number.',
  'redis.ssl': 'Connect with TLS.',
  'redis.ssl_verify': "Verify the server's certificate.",
  'redis.server_name': 'TLS server name (SNI) to send.',
}
