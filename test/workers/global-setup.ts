// Starts the mock Lambda in Node for the tests that run inside workerd, and hands them its
// URL and the gateway config pointing at it.

import type { TestProject } from 'vitest/node'
import { closedPort } from '../support/closed-port.ts'
import { gatewayConfig } from '../support/gateway-config.ts'
import { startMockAws } from '../support/mock-aws.ts'
import { startBalancerTargets } from '../support/upstream-servers.ts'

export default async function setup(project: TestProject) {
  const aws = await startMockAws()
  const targets = await startBalancerTargets(4)
  const closed = await closedPort()
  project.provide('mockUrl', aws.lambda.url)
  project.provide('gatewayConfig', JSON.stringify(gatewayConfig(aws.lambda.port, closed, aws.sts.url, { echo: closed, targets: targets.ports })))
  return async () => {
    await aws.close()
    await targets.close()
  }
}
