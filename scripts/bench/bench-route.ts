// The bench's aws-lambda route and its plugin config, as the gateway builds them from
// bench-config.ts's declarative config, for the measurements that call its code directly.

import { buildGatewayConfig } from '../../src/model/declarative.ts'
import type { AwsLambdaConfig } from '../../src/plugins/aws-lambda/schema.ts'
import { gatewayConfig } from './bench-config.ts'

export function benchRoute() {
  const { routes, plugins } = buildGatewayConfig(gatewayConfig('http://127.0.0.1:9001'), {})
  const [route] = routes
  return { route, config: plugins.find((plugin) => plugin.route === route)!.config as AwsLambdaConfig }
}
