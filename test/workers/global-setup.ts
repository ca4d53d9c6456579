// Starts the mock Lambda in Node for the tests that run inside workerd, and hands them its
// URL and the gateway config pointing at it.

import type { TestProject } from 'vitest/node'
import { gatewayConfig } from '../support/gateway-config.ts'
import { closedPort } from '../support/closed-port.ts'
import { startMockLambda } from '../support/mock-lambda.ts'

export default async function setup(project: TestProject) {
  const mock = await startMockLambda()
  project.provide('mockUrl', mock.url)
  project.provide('gatewayConfig', JSON.stringify(gatewayConfig(mock.port, await closedPort())))
  return () => mock.close()
}
