// The registry's text format, read back with a parser that is not ours.

import { describe, expect, it } from 'vitest'
import { createRegistry } from '../../src/metrics/registry.ts'
import { readScrape } from '../support/prometheus-scrape.ts'

describe('metrics registry', () => {
  it('writes counters, gauges and histograms in the text format, families in alphabetical order, HELP and TYPE first', () => {
    const registry = createRegistry()
    const requests = registry.counter('b_requests_total', 'Requests', ['route', 'code'])
    const latency = registry.histogram('a_latency_ms', 'Latency', ['route'], [1, 25, 2.5])
    const health = registry.gauge('c_health', 'Health', ['target'])
    requests.inc(['r1', '200'])
    requests.inc(['r1', '200'])
    requests.inc(['r1', '500'], 3)
    latency.observe(['r1'], 2)
    latency.observe(['r1'], 30)
    health.set(['t1'], 1)
    const text = registry.render()
    expect(text.split('\n').filter((line) => line.startsWith('# TYPE'))).toEqual([
      '# TYPE a_latency_ms histogram',
      '# TYPE b_requests_total counter',
      '# TYPE c_health gauge',
    ])
    const scrape = readScrape(text)
    expect(scrape.types.get('a_latency_ms')).toBe('histogram')
    expect(scrape.value('b_requests_total', { route: 'r1', code: '200' })).toBe(2)
    expect(scrape.value('b_requests_total', { route: 'r1', code: '500' })).toBe(3)
    expect(scrape.value('c_health', { target: 't1' })).toBe(1)
    // Buckets in increasing order whatever the order given, cumulative, `le` a plain number as Kong writes it, +Inf the count.
    const bounds = text.split('\n').flatMap((line) => /^a_latency_ms_bucket\{route="r1",le="([^"]+)"\}/.exec(line)?.[1] ?? [])
    expect(bounds).toEqual(['1', '2.5', '25', '+Inf'])
    expect(scrape.value('a_latency_ms_bucket', { route: 'r1', le: '1' })).toBe(0)
    expect(scrape.value('a_latency_ms_bucket', { route: 'r1', le: '2.5' })).toBe(1)
    expect(scrape.value('a_latency_ms_bucket', { route: 'r1', le: '25' })).toBe(1)
    expect(scrape.value('a_latency_ms_bucket', { route: 'r1', le: '+Inf' })).toBe(2)
    expect(scrape.value('a_latency_ms_count', { route: 'r1' })).toBe(2)
    expect(scrape.value('a_latency_ms_sum', { route: 'r1' })).toBe(32)
  })

  it('escapes label values (backslash, double quote, line feed) so that any route name reads back as it is', () => {
    const registry = createRegistry()
    const name = 'a "quoted"\\route\nwith a line feed'
    registry.counter('x_total', 'X', ['route']).inc([name])
    expect(readScrape(registry.render()).value('x_total', { route: name })).toBe(1)
  })

  it('writes nothing for a family without series, and a gauge reset forgets its series', () => {
    const registry = createRegistry()
    registry.counter('unused_total', 'Unused', ['a'])
    const gauge = registry.gauge('g', 'G', ['a'])
    gauge.set(['x'], 1)
    gauge.reset()
    expect(registry.render()).toBe('')
  })
})
