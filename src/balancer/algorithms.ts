// Kong's three balancing algorithms over an upstream's targets
// (https://github.com/Kong/kong/tree/master/kong/runloop/balancer): each finds the next target
// that `usable` accepts. Targets of weight 0 have no place on the wheel or ring.

import { xxhash32 } from './xxhash32.ts'

export interface Slot {
  readonly host: string
  readonly port: number
  readonly weight: number
  /** Tries under way (least-connections). */
  connections: number
}

export type Algorithm = (usable: (slot: Slot) => boolean, hash: string) => Slot | undefined

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))

/**
 * round-robin: a wheel holding each target weight/gcd times, shuffled, walked one step per try
 * (round_robin.lua).
 */
export function roundRobin(slots: readonly Slot[]): Algorithm {
  const divisor = slots.reduce((d, slot) => gcd(d, slot.weight), 0)
  const wheel = slots.flatMap((slot) => (slot.weight > 0 ? Array<Slot>(slot.weight / divisor).fill(slot) : []))
  for (let i = wheel.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[wheel[i], wheel[j]] = [wheel[j], wheel[i]]
  }
  let pointer = 0
  return (usable) => {
    for (let step = 0; step < wheel.length; step++) {
      pointer = (pointer + 1) % wheel.length
      if (usable(wheel[pointer])) return wheel[pointer]
    }
    return undefined
  }
}

/** least-connections: the fewest tries under way for its weight, (connections + 1) / weight (least_connections.lua). */
export function leastConnections(slots: readonly Slot[]): Algorithm {
  return (usable) => {
    let best: Slot | undefined
    for (const slot of slots) {
      if (slot.weight > 0 && usable(slot) && (!best || (slot.connections + 1) / slot.weight < (best.connections + 1) / best.weight)) best = slot
    }
    return best
  }
}

/** Points each target gets on the ring when all weigh the same (Kong's SERVER_POINTS). */
const SERVER_POINTS = 160

/**
 * consistent-hashing: Kong's Ketama ring (consistent_hashing.lua) of `slots` points (at least
 * 1000), laid out as Kong lays it: targets sorted by name and port, each given points in
 * proportion to its weight at xxhash32(`host::port i`), a taken point passing the turn on; a
 * value's point is xxhash32(value), walked down to the first usable target.
 */
export function consistentHashing(slots: readonly Slot[], size: number): Algorithm {
  const points = Math.max(size, 1000)
  const ring: Array<Slot | undefined> = new Array(points)
  const total = slots.reduce((sum, slot) => sum + slot.weight, 0)
  const sorted = [...slots].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : a.port - b.port))
  for (const slot of sorted) {
    let entries = Math.floor((slot.weight / total) * slots.length * SERVER_POINTS)
    if (slot.weight > 0 && entries === 0) entries = 1
    for (let i = 1; i <= entries && i <= points; i++) {
      const index = xxhash32(`${slot.host}::${slot.port} ${i}`) % points
      if (ring[index] === undefined) ring[index] = slot
      else entries++
    }
  }
  return (usable, hash) => {
    const start = xxhash32(hash) % points
    for (let step = 0; step < points; step++) {
      const slot = ring[(start - step + points) % points]
      if (slot && usable(slot)) return slot
    }
    return undefined
  }
}
