// No log line holds a secret: one check for the Node, workerd and Deno suites, over every secret
// the suite's mock Lambda accepts (the test keys, the environment's, and every key the mock STS,
// IMDS or container endpoint issued, with its session token), every secret written in the
// suites' config (consumers' keys, passwords, JWT secrets) and the others a suite names.

import { secretValues } from '../../src/model/secrets.ts'
import { isVaultReference } from '../../src/model/vault.ts'
import { gatewayConfig, JWT_TEST_SECRETS } from '../support/gateway-config.ts'
import type { E2E } from './harness.ts'

/** The secrets the suites' config holds (they do not depend on the ports it is made with). */
const CONFIG_SECRETS = secretValues(gatewayConfig(0, 0, 'http://sts.invalid'))
  .map(({ value }) => value)
  .filter((value) => !isVaultReference(value))

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
  const secrets = [...Object.values(known.secrets), ...Object.values(known.sessionTokens), ...CONFIG_SECRETS, ...JWT_TEST_SECRETS, WRONG_SECRET, ...others]
  t.equal(
    secrets.filter((secret) => logged.includes(secret)),
    [],
    'secrets in the log lines',
  )
}
