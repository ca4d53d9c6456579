// The mock Lambda and a mock STS sharing one credential table, so that keys STS issues
// (AssumeRole) are keys the Lambda accepts, each only with its session token.

import { type CredentialTables, credentialTables } from './credential-tables.ts'
import { TEST_ENV } from './gateway-config.ts'
import { MOCK_CREDENTIALS, type MockLambda, type MockLambdaOptions, startMockLambda } from './mock-lambda.ts'
import { type MockSts, startMockSts } from './mock-sts.ts'

export interface MockAws {
  tables: CredentialTables
  lambda: MockLambda
  sts: MockSts
  close(): Promise<void>
}

export async function startMockAws(lambdaOptions: Pick<MockLambdaOptions, 'tls'> = {}): Promise<MockAws> {
  const tables = credentialTables(MOCK_CREDENTIALS)
  // TEST_ENV's keys come with a session token: they may only be used with it.
  tables.sessionTokens.AKIDENV = TEST_ENV.AWS_SESSION_TOKEN
  const lambda = await startMockLambda({ ...lambdaOptions, credentials: tables.secrets, sessionTokens: tables.sessionTokens })
  const sts = await startMockSts({ tables })
  return { tables, lambda, sts, close: async () => void (await Promise.all([lambda.close(), sts.close()])) }
}
