// Workers' fetch answers a WebSocket upgrade with a 101 Response holding the socket the platform
// tunnels (its `webSocket`): a Response rebuilt on the way out must keep it, or the switch is lost
// (and workerd refuses a 101 without one). Other runtimes' Responses have no such field.

/** The `webSocket` init field that keeps `response`'s WebSocket in a rebuilt Response, or nothing. */
export function keptWebSocket(response: Response): ResponseInit & { webSocket?: unknown } {
  const { webSocket } = response as { webSocket?: unknown }
  return (webSocket ? { webSocket } : {}) as ResponseInit
}
