// The credential-provider contract, after the AWS SDK v3's: a provider is a function that
// returns credentials with their expiry, or throws CredentialsNotFound so that a chain moves
// on to the next provider. Any other error stops the chain.

import type { Env } from '../env.ts'
import type { Fetch } from '../transport.ts'
import type { StsEndpoint } from './sts.ts'

export interface Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  /** When the credentials stop being valid; undefined for long-lived keys. */
  expiration?: Date
  /** Where they came from, for log lines (never a secret). */
  source?: string
}

export type CredentialProvider = () => Promise<Credentials>

/** This source has no credentials to offer; the chain tries the next one. */
export class CredentialsNotFound extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CredentialsNotFound'
  }
}

/** What a runtime entry's own credential sources (Node/Deno: file, container, web identity, IMDS) are built from. */
export interface HostSourceContext {
  env: Env
  /** Reaches STS as the route's transport settings say (its proxy included). */
  stsFetch: Fetch
  /** For web identity: the environment's region and STS settings. */
  stsEndpoint: StsEndpoint
  imdsVersion: 'v1' | 'v2'
}

/** The sources tried after the environment, in order. */
export type HostCredentialSources = (context: HostSourceContext) => CredentialProvider[]
