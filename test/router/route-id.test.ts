// The ids Kong breaks priority ties with: the id as given, Kong's id for a named route, the ids
// of a split route's parts (values computed apart with Python's uuid.uuid5).

import { describe, expect, it } from 'vitest'
import { partId, routeId } from '../../src/router/route-id.ts'

describe('routeId', () => {
  it('is the id as given, in lower case', () => {
    expect(routeId({ id: 'E8FB37F1-102D-461E-9C51-6608A6BB8101', name: 'ignored' })).toBe('e8fb37f1-102d-461e-9c51-6608a6bb8101')
  })

  it("is Kong's id for a named route: version 5 of the name in its routes namespace", () => {
    // uuid5(uuid5(fd02801f-0957-4a15-a55a-c8d9606f30b5, 'routes'), 'my-route'), computed apart.
    expect(routeId({ name: 'my-route' })).toBe('481a9539-f49c-51b6-b2e2-fe99ee68866c')
  })

  it('is unknown for a route with neither (Kong draws a random one)', () => {
    expect(routeId({})).toBeUndefined()
  })

  it("names a split route's parts from its id", () => {
    // uuid5(7f145bf9-0dce-4f91-98eb-debbce4b9f6b, '<id>#1'), computed apart.
    expect(partId('481a9539-f49c-51b6-b2e2-fe99ee68866c', 1)).toBe('adf66f6b-71f7-501e-be60-2b22decd4a47')
  })
})
