// A TypeScript handler (Node strips the types).
interface Event {
  name?: string
}

export async function handler(event: Event): Promise<{ greeting: string }> {
  return { greeting: `hello ${event.name ?? 'world'}` }
}
