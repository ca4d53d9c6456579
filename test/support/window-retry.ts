// Rate-limit counts are per clock window: a case that ran across the turn of one saw two
// windows' counts. As Kong's own specs do, such a case runs once more, from the start of the
// next window (the counts it made after the turn would otherwise still be there); a second
// failure, or a failure within one window, is real.

export async function withinOneWindow(windowMs: number, run: () => Promise<void>): Promise<void> {
  const windowOf = () => Math.floor(Date.now() / windowMs)
  const started = windowOf()
  try {
    await run()
  } catch (error) {
    if (windowOf() === started) throw error
    await new Promise((resolve) => setTimeout(resolve, windowMs - (Date.now() % windowMs) + 50))
    await run()
  }
}

/**
 * As withinOneWindow, for a case whose every run counts as another client (its own address or
 * consumer, whose counters are new): the second run starts at once, with `attempt` 1.
 */
export async function asAnotherClient(windowMs: number, run: (attempt: number) => Promise<void>): Promise<void> {
  const windowOf = () => Math.floor(Date.now() / windowMs)
  const started = windowOf()
  try {
    await run(0)
  } catch (error) {
    if (windowOf() === started) throw error
    await run(1)
  }
}
