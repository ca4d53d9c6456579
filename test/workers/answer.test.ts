// The Worker's answer path (src/pipeline/exchange.ts `answer`, what src/worker.ts returns to workerd)
// inside workerd: an answer workerd could not write is the sanitised 500, logged once.

import { expect, it } from 'vitest'
import { createLogger } from '../../src/log.ts'
import { answer } from '../../src/pipeline/exchange.ts'
import { expectUnwritableAnswersSanitised, unwritableHandler } from '../support/unwritable-answers.ts'

it('an answer workerd cannot write is the sanitised 500 with its request id, one JSON log line, and the request line says 500', async () => {
  const lines: string[] = []
  const log = createLogger('debug', (line) => void lines.push(line))
  const handler = unwritableHandler()
  const asserts = {
    equal: (actual: unknown, expected: unknown, what?: string) => expect(actual, what).toEqual(expected),
    ok: (c: unknown, what: string) => expect(c, what).toBeTruthy(),
  }
  await expectUnwritableAnswersSanitised(asserts, handler, (path) => answer(handler, new Request(`http://gateway.test${path}`), {}, log), lines)
})
