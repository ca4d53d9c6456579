// No log line holds a secret: one check for the Node, workerd and Deno suites, over every secret
// the suite's mock Lambda accepts (the test keys, the environment's, and every key the mock STS,
// IMDS or container endpoint issued, with its session token) and the others a suite names.

import { ACL_KEYS } from '../support/gateway-config.ts'
import type { E2E } from './harness.ts'

/** A secret no mock accepts: a route signs with it on purpose (bad-secret.test). */
const WRONG_SECRET = 'wrong-secret'

export async function expectNoSecretInLogs(t: Pick<E2E, 'mockUrl' | 'logs' | 'equal' | 'ok'>, others: string[] = []): Promise<void> {
  const known = (await (await fetch(`${t.mockUrl}/__credentials`)).json()) as { secrets: Record<string, string>; sessionTokens: Record<string, string> }
  const logged = t.logs().join('\n')
  // Not vacuous: the suite's request lines were caught, and credentials the mock STS issued are among those looked for.
  t.ok(logged.includes('"msg":"request"'), 'the log lines were collected')
  t.ok(
    Object.keys(known.sessionTokens).some((id) => id.startsWith('ASIASTS')),
    'STS-issued credentials are among those checked',
  )
  const secrets = [...Object.values(known.secrets), ...Object.values(known.sessionTokens), WRONG_SECRET, ...ACL_KEYS, ...others]
  t.equal(
    secrets.filter((secret) => logged.includes(secret)),
    [],
    'secrets in the log lines',
  )
}
