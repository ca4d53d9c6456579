// The credential sources only a server runtime has (Node and Deno): after the plugin config
// and the environment come the shared credentials file, container credentials (ECS, EKS Pod
// Identity), EKS web identity (IRSA) and EC2 instance metadata, in Kong's order. Metadata
// endpoints are reached directly, never through proxy_url.

import { directFetch } from '../../runtime/node/transport.ts'
import type { HostCredentialSources } from '../types.ts'
import { fromContainer } from './container.ts'
import { fromInstanceMetadata } from './imds.ts'
import { fromSharedFile } from './shared-file.ts'
import { fromWebIdentity } from './web-identity.ts'

export const hostCredentialSources: HostCredentialSources = ({ env, stsFetch, stsEndpoint, imdsVersion }) => [
  fromSharedFile(env),
  fromContainer(env, directFetch),
  fromWebIdentity(env, stsFetch, stsEndpoint),
  fromInstanceMetadata(env, directFetch, imdsVersion),
]
