// The credential-provider contract, after the AWS SDK v3's: a provider is a function that
// returns credentials with their expiry, or throws CredentialsNotFound so that a chain moves
// on to the next provider. Any other error stops the chain.

export interface Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  /** When the credentials stop being valid; undefined for long-lived keys. */
  expiration?: Date
}

export type CredentialProvider = () => Promise<Credentials>

/** This source has no credentials to offer; the chain tries the next one. */
export class CredentialsNotFound extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CredentialsNotFound'
  }
}
