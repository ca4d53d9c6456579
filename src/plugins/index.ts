// Every plugin this gateway runs: the one place that names them. A plugin not listed here is
// refused by name when a configuration uses it, never skipped.

import type { PluginDefinition } from '../pipeline/plugin.ts'
import { aclPlugin } from './acl/index.ts'
import { awsLambdaPlugin } from './aws-lambda/index.ts'
import { basicAuthPlugin } from './basic-auth/index.ts'
import { correlationIdPlugin } from './correlation-id/index.ts'
import { corsPlugin } from './cors/index.ts'
import { fileLogPlugin } from './file-log/index.ts'
import { httpLogPlugin } from './http-log/index.ts'
import { ipRestrictionPlugin } from './ip-restriction/index.ts'
import { jwtPlugin } from './jwt/index.ts'
import { keyAuthPlugin } from './key-auth/index.ts'
import { openTelemetryPlugin } from './opentelemetry/index.ts'
import { prometheusPlugin } from './prometheus/index.ts'
import { rateLimitingPlugin } from './rate-limiting/index.ts'
import { requestSizeLimitingPlugin } from './request-size-limiting/index.ts'
import { requestTerminationPlugin } from './request-termination/index.ts'
import { requestTransformerPlugin } from './request-transformer/index.ts'
import { responseRateLimitingPlugin } from './response-ratelimiting/index.ts'
import { responseTransformerPlugin } from './response-transformer/index.ts'

export const PLUGINS: readonly PluginDefinition[] = [
  aclPlugin,
  awsLambdaPlugin,
  basicAuthPlugin,
  correlationIdPlugin,
  corsPlugin,
  fileLogPlugin,
  httpLogPlugin,
  ipRestrictionPlugin,
  jwtPlugin,
  keyAuthPlugin,
  openTelemetryPlugin,
  prometheusPlugin,
  rateLimitingPlugin,
  requestSizeLimitingPlugin,
  requestTerminationPlugin,
  requestTransformerPlugin,
  responseRateLimitingPlugin,
  responseTransformerPlugin,
] as readonly PluginDefinition[]
