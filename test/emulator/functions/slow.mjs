// Logs its tag, waits, logs again: concurrent invocations interleave their console calls.
export async function handler(event) {
  console.log(`begin ${event.tag}`)
  await new Promise((resolve) => setTimeout(resolve, event.ms ?? 50))
  console.log(`end ${event.tag}`)
  return event.tag
}
