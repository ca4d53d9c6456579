/**
 * `format`, made once per `unitMs` and kept: a time string that is the same for every request
 * within a second (or a millisecond) is not formatted again for each of them. Under load many
 * requests share one; each Date formatting costs about a microsecond.
 */
export function cachedTime(unitMs: number, format: (ms: number) => string): (ms: number) => string {
  let unit = Number.NaN
  let text = ''
  return (ms) => {
    const current = Math.floor(ms / unitMs)
    if (current !== unit) {
      unit = current
      text = format(current * unitMs)
    }
    return text
  }
}
