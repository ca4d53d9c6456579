// Fails: throws an Error subclass, or rejects with a non-Error when asked.
class OrderFailed extends Error {
  name = 'OrderFailed'
}

export async function handler(event) {
  console.log('about to fail')
  if (event.rejectWith !== undefined) return Promise.reject(event.rejectWith)
  throw new OrderFailed(`order ${event.order ?? '?'} failed`)
}
