// An API Gateway proxy integration, for both event versions: 1.0 (REST API) and 2.0 (HTTP API).
const items = new Map([
  ['1', { id: '1', name: 'lamp' }],
  ['2', { id: '2', name: 'desk' }],
])

export const handler = async (event) => {
  const v2 = event.version === '2.0'
  const method = v2 ? event.requestContext.http.method : event.httpMethod
  const id = event.pathParameters?.id
  console.log(`${method} items ${id ?? '(all)'} via payload ${v2 ? '2.0' : '1.0'}`)
  if (method !== 'GET') return json(405, { message: 'only GET here' })
  if (id === undefined) return json(200, { items: [...items.values()], payload: event.version ?? '1.0' })
  const item = items.get(id)
  return item ? json(200, { item, payload: event.version ?? '1.0' }) : json(404, { message: `no item ${id}` })
}

const json = (statusCode, body) => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
