// Writes event.text to event.path: a side effect that shows whether (and when) it ran.
import { writeFile } from 'node:fs/promises'

export async function handler(event) {
  await writeFile(event.path, event.text ?? 'ran')
  return { wrote: event.path }
}
