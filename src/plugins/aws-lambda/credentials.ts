// Which credentials sign a route's calls (docs/aws-protocols.md#credential-sources): the plugin's
// keys, else the chain (environment, then the runtime's own sources); then AssumeRole on top when
// the route asks. Routes with the same sources share one cache, so a refresh happens once for all
// of them.

import { fromAssumeRole } from '../../credentials/assume-role.ts'
import { cached, chain } from '../../credentials/chain.ts'
import { fromEnv } from '../../credentials/env.ts'
import { fromStatic } from '../../credentials/static.ts'
import { type StsSettings, stsEndpoint } from '../../credentials/sts.ts'
import type { CredentialProvider, HostCredentialSources } from '../../credentials/types.ts'
import type { Env } from '../../env.ts'
import { getOrCreate } from '../../get-or-create.ts'
import type { Logger } from '../../log.ts'
import type { Fetch } from '../../transport.ts'
import type { AwsLambdaConfig } from './schema.ts'

export interface RouteCredentialsOptions {
  env: Env
  log: Logger
  sts: StsSettings
  /** AWS_REGION / AWS_DEFAULT_REGION, for web identity's STS calls. */
  envRegion: string | undefined
  hostSources?: HostCredentialSources
  /** Told each credential refresh's outcome, by the cache's name. */
  refreshed?(name: string, ok: boolean): void
}

export interface RouteTransport {
  fetch: Fetch
  /** Equal for routes that reach AWS the same way. */
  key: string
}

export type RouteCredentials = (config: AwsLambdaConfig, region: string | undefined, transport: RouteTransport) => CredentialProvider

export function routeCredentials({ env, log, sts, envRegion, hostSources, refreshed }: RouteCredentialsOptions): RouteCredentials {
  const shared = new Map<string, CredentialProvider>()
  const once = (key: string, make: () => CredentialProvider) => getOrCreate(shared, key, make)

  return (config, region, transport) => {
    const useKeys = config.aws_key !== undefined && config.aws_secret !== undefined
    const chainKey = `chain ${transport.key} imds-${config.aws_imds_protocol_version}`
    const base = useKeys
      ? fromStatic(config.aws_key!, config.aws_secret!)
      : once(chainKey, () => {
          const context = { env, stsFetch: transport.fetch, stsEndpoint: stsEndpoint(envRegion, undefined, sts), imdsVersion: config.aws_imds_protocol_version }
          return cached(chain(fromEnv(env), ...(hostSources?.(context) ?? [])), { name: 'default chain', log, refreshed })
        })
    const roleArn = config.aws_assume_role_arn
    if (roleArn === undefined) return base
    const endpoint = stsEndpoint(region, config.aws_sts_endpoint_url, sts)
    const sessionName = config.aws_role_session_name
    // Kept in memory only; the key tells apart routes that assume the role from different keys.
    const baseKey = useKeys ? `keys ${config.aws_key} ${config.aws_secret}` : chainKey
    return once(`assume ${roleArn} ${sessionName} ${endpoint.url} ${endpoint.region} ${transport.key} ${baseKey}`, () =>
      cached(fromAssumeRole({ source: base, roleArn, sessionName, endpoint, fetch: transport.fetch }), { name: `assumed role ${roleArn}`, log, refreshed }),
    )
  }
}
