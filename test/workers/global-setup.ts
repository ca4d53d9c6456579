// Starts the mock Lambda and the proxied routes' upstreams in Node for the tests that run inside
// workerd, and hands them their URLs and the gateway config pointing at them.

import type { TestProject } from 'vitest/node'
import { closedPort } from '../support/closed-port.ts'
import { gatewayConfig } from '../support/gateway-config.ts'
import { startMockAws } from '../support/mock-aws.ts'
import { startBalancerTargets, startUpstreamServers } from '../support/upstream-servers.ts'

export default async function setup(project: TestProject) {
  const aws = await startMockAws()
  const upstreams = await startUpstreamServers()
  const targets = await startBalancerTargets(4)
  project.provide('mockUrl', aws.lambda.url)
  project.provide('upstreamUrl', upstreams.echoUrl)
  project.provide(
    'gatewayConfig',
    JSON.stringify(
      gatewayConfig(aws.lambda.port, await closedPort(), aws.sts.url, {
        echo: upstreams.echoPort,
        webSocket: upstreams.webSocketPort,
        workers: true,
        targets: targets.ports,
      }),
    ),
  )
  return async () => {
    await aws.close()
    await upstreams.close()
    await targets.close()
  }
}
