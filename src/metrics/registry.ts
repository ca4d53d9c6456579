// Counters, gauges and histograms with labels, and the Prometheus text exposition format they are
// scraped in (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format).
// Written as Kong's exporter writes them (kong/plugins/prometheus/prometheus.lua): families and
// series in alphabetical order, a histogram's buckets cumulative with `le` as a plain number.

export interface Counter {
  /** Label values in the order of the family's label names. */
  inc(values: readonly string[], by?: number): void
}

export interface Gauge {
  set(values: readonly string[], value: number): void
  /** Forgets every series (values gathered afresh at each scrape). */
  reset(): void
}

export interface Histogram {
  observe(values: readonly string[], value: number): void
}

interface Series {
  readonly values: readonly string[]
  /** A counter's or gauge's value; a histogram's count of observations. */
  value: number
  /** Histograms: observations at or below each bucket's bound, in the order of the bounds. */
  readonly counts?: number[]
  /** Histograms: the sum of the observed values. */
  sum: number
}

interface Family {
  readonly name: string
  readonly help: string
  readonly type: 'counter' | 'gauge' | 'histogram'
  readonly labels: readonly string[]
  readonly buckets?: readonly number[]
  readonly series: Map<string, Series>
}

export interface Registry {
  counter(name: string, help: string, labels: readonly string[]): Counter
  gauge(name: string, help: string, labels: readonly string[]): Gauge
  histogram(name: string, help: string, labels: readonly string[], buckets: readonly number[]): Histogram
  /** Every family with at least one series, in the text format. */
  render(): string
}

export function createRegistry(): Registry {
  const families: Family[] = []
  const family = (name: string, help: string, type: Family['type'], labels: readonly string[], buckets?: readonly number[]): Family => {
    const made: Family = { name, help, type, labels, buckets, series: new Map() }
    families.push(made)
    return made
  }
  /** The series of `values`, made on first use. */
  const seriesOf = (of: Family, values: readonly string[]): Series => {
    const key = values.join('\u0000')
    let series = of.series.get(key)
    if (series === undefined) {
      series = { values: [...values], value: 0, sum: 0, ...(of.buckets ? { counts: of.buckets.map(() => 0) } : {}) }
      of.series.set(key, series)
    }
    return series
  }
  return {
    counter(name, help, labels) {
      const of = family(name, help, 'counter', labels)
      return {
        inc(values, by = 1) {
          seriesOf(of, values).value += by
        },
      }
    },
    gauge(name, help, labels) {
      const of = family(name, help, 'gauge', labels)
      return {
        set(values, value) {
          seriesOf(of, values).value = value
        },
        reset: () => of.series.clear(),
      }
    },
    histogram(name, help, labels, unsorted) {
      // Increasing, as scrapers expect the buckets (and as observe counts them).
      const buckets = [...unsorted].sort((a, b) => a - b)
      const of = family(name, help, 'histogram', labels, buckets)
      return {
        observe(values, value) {
          const series = seriesOf(of, values)
          series.value++
          series.sum += value
          for (let i = buckets.length - 1; i >= 0 && value <= buckets[i]; i--) series.counts![i]++
        },
      }
    },
    render() {
      const lines: string[] = []
      for (const of of [...families].sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (of.series.size === 0) continue
        lines.push(`# HELP ${of.name} ${of.help}`, `# TYPE ${of.name} ${of.type}`)
        const rendered = [...of.series.values()].map((series) => ({ series, labels: labelPairs(of.labels, series.values) }))
        rendered.sort((a, b) => (a.labels < b.labels ? -1 : a.labels > b.labels ? 1 : 0))
        for (const { series, labels } of rendered) {
          if (!of.buckets) {
            lines.push(`${of.name}${braced(labels)} ${series.value}`)
            continue
          }
          const prefix = labels === '' ? '' : `${labels},`
          of.buckets.forEach((bound, i) => {
            lines.push(`${of.name}_bucket{${prefix}le="${bound}"} ${series.counts![i]}`)
          })
          lines.push(`${of.name}_bucket{${prefix}le="+Inf"} ${series.value}`)
          lines.push(`${of.name}_count${braced(labels)} ${series.value}`, `${of.name}_sum${braced(labels)} ${series.sum}`)
        }
      }
      return lines.length === 0 ? '' : `${lines.join('\n')}\n`
    },
  }
}

const braced = (labels: string) => (labels === '' ? '' : `{${labels}}`)

/** `name="value",…`, values escaped as the format asks (backslash, double quote, line feed). */
function labelPairs(names: readonly string[], values: readonly string[]): string {
  return names.map((name, i) => `${name}="${escapeLabel(values[i])}"`).join(',')
}

function escapeLabel(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value
}
