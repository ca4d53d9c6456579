// Small assertions on failures, shared by the provider tests.

import { ConfigError } from '../../src/model/validate.ts'

/** The error `promise` rejects with; fails when it resolves. */
export const failure = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: unknown) => error as Error,
  )

/** The ConfigError `run` throws; fails when it throws nothing or something else. */
export function configError(run: () => unknown): ConfigError {
  try {
    run()
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected a ConfigError')
}
