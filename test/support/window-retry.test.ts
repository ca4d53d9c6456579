// The window retry the rate-limit cases share (window-retry.ts), on short windows.

import { expect, it } from 'vitest'
import { asAnotherClient, withinOneWindow } from './window-retry.ts'

const WINDOW = 200
const windowOf = () => Math.floor(Date.now() / WINDOW)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

it('a failure within one window is thrown, the case not run again', async () => {
  // Start just after a turn of a 5 s window, so the run ends well inside it.
  const window = 5000
  await sleep(window - (Date.now() % window) + 10)
  let runs = 0
  await expect(
    withinOneWindow(window, async () => {
      runs++
      throw new Error('a real failure')
    }),
  ).rejects.toThrow('a real failure')
  expect(runs).toBe(1)
})

it('a failure after the window turned runs the case again, from the start of the next window', async () => {
  const windows: number[] = []
  await withinOneWindow(WINDOW, async () => {
    windows.push(windowOf())
    if (windows.length === 1) {
      await sleep(WINDOW + 10)
      throw new Error('saw two windows')
    }
  })
  expect(windows).toHaveLength(2)
  // The second run began in a window the first never reached.
  expect(windows[1]).toBeGreaterThan((windows[0] as number) + 1)
})

it('a case run as another client runs again, as attempt 1, after the window turned, and only then', async () => {
  const attempts: number[] = []
  await asAnotherClient(WINDOW, async (attempt) => {
    attempts.push(attempt)
    if (attempt === 0) {
      await sleep(WINDOW + 10)
      throw new Error('saw two windows')
    }
  })
  expect(attempts).toEqual([0, 1])
  await sleep(WINDOW - (Date.now() % WINDOW) + 10)
  await expect(asAnotherClient(5000, () => Promise.reject(new Error('a real failure')))).rejects.toThrow('a real failure')
})
