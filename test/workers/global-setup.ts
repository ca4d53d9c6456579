// Starts the mock Lambda in Node for the tests that run inside workerd, and hands them its
// URL and the gateway config pointing at it.

import type { TestProject } from 'vitest/node'
import { closedPort } from '../support/closed-port.ts'
import { gatewayConfig } from '../support/gateway-config.ts'
import { startMockAws } from '../support/mock-aws.ts'
import { startWebSocketEcho } from '../support/websocket-echo.ts'

export default async function setup(project: TestProject) {
  const aws = await startMockAws()
  const echo = await startWebSocketEcho()
  project.provide('wsEchoPort', echo.port)
  project.provide('mockUrl', aws.lambda.url)
  project.provide('gatewayConfig', JSON.stringify(gatewayConfig(aws.lambda.port, await closedPort(), aws.sts.url)))
  return async () => void (await Promise.all([aws.close(), echo.close()]))
}
