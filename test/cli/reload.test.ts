// Reloading on Node: the shared cases of test/e2e/reload-cases.ts, in this process (SIGHUP
// is sent to it; the gateway's listener is the only one while a case runs).

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { startNodeServer } from '../../src/node.ts'
import { RELOAD_CASES, type ReloadRuntime } from '../e2e/reload-cases.ts'
import { TEST_ROLE_ARN } from '../support/gateway-config.ts'
import { startMockAws } from '../support/mock-aws.ts'

const runtime: ReloadRuntime = {
  start: (argv, env) => startNodeServer(argv, env, () => {}),
  hangUp: () => process.kill(process.pid, 'SIGHUP'),
}

describe('reloading on Node', () => {
  vi.spyOn(console, 'error').mockImplementation(() => {})
  for (const { name, run } of RELOAD_CASES) it(name, () => run(runtime), 60_000)
})

describe('reloading keeps what the new configuration still uses', () => {
  it('AssumeRole credentials: the reloaded gateway signs with the cached ones, STS is not asked again', async () => {
    const aws = await startMockAws()
    const lambda = (message: string) => ({
      _format_version: '3.0',
      routes: [
        {
          name: message,
          paths: ['/fn'],
          plugins: [
            {
              name: 'aws-lambda',
              config: {
                function_name: 'kongLambdaTest',
                aws_key: 'mock-key',
                aws_secret: 'mock-secret',
                aws_region: 'us-east-1',
                host: '127.0.0.1',
                port: aws.lambda.port,
                disable_https: true,
                aws_assume_role_arn: TEST_ROLE_ARN,
                aws_sts_endpoint_url: aws.sts.url,
              },
            },
          ],
        },
      ],
    })
    const file = join(mkdtempSync(join(tmpdir(), 'lambda-gateway-reload-')), 'kong.json')
    writeFileSync(file, JSON.stringify(lambda('first')))
    const server = await startNodeServer(['--config', file, '--port', '0', '--host', '127.0.0.1'], { ADMIN_LISTEN: '127.0.0.1:0' }, () => {})
    try {
      expect((await fetch(`${server?.url}/fn`)).status).toBe(200)
      const reloaded = await fetch(`${server?.adminUrl}/config`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(lambda('second')),
      })
      expect(reloaded.status).toBe(201)
      expect((await fetch(`${server?.url}/fn`)).status).toBe(200)
      expect(aws.sts.calls.map((call) => call.action)).toEqual(['AssumeRole'])
      expect(aws.lambda.invocations.length).toBe(2)
    } finally {
      await server?.close()
      await aws.close()
    }
  })
})
