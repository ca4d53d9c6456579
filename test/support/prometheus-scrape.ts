// A /metrics answer read with parse-prometheus-text-format, a maintained parser of Prometheus'
// text format that is not ours. Its histogram grouping keeps one unlabelled histogram per family
// (the series' labels are lost), so samples are read with the histograms' TYPE lines left out:
// each `_bucket`, `_count` and `_sum` line is then a sample of its own, labels and all, still
// parsed by the library; the families' types come from the whole text.

import parsePrometheusTextFormat from 'parse-prometheus-text-format'

/** What the library returns (it ships no types). */
interface ParsedFamily {
  name: string
  help: string
  /** Upper case: COUNTER, GAUGE, HISTOGRAM, SUMMARY, UNTYPED. */
  type: string
  metrics: Array<{ labels?: Record<string, string>; value?: string }>
}

const parse: (text: string) => ParsedFamily[] = parsePrometheusTextFormat

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

export interface Scrape {
  /** Each family's TYPE, lower case. */
  types: Map<string, string>
  samples: Sample[]
  /** The value of the sample with exactly these labels, if there is one. */
  value(name: string, labels: Record<string, string>): number | undefined
  /** The samples of `name` whose labels include these. */
  matching(name: string, labels?: Record<string, string>): Sample[]
}

export function readScrape(text: string): Scrape {
  const families = parse(text)
  const types = new Map(families.map((family) => [family.name, family.type.toLowerCase()]))
  const untyped = text
    .split('\n')
    .filter((line) => !/^# TYPE \S+ histogram$/.test(line))
    .join('\n')
  const samples = parse(untyped).flatMap((family) =>
    family.metrics.map((metric) => ({ name: family.name, labels: metric.labels ?? {}, value: Number(metric.value) })),
  )
  const includes = (labels: Record<string, string>, wanted: Record<string, string>) => Object.entries(wanted).every(([key, value]) => labels[key] === value)
  return {
    types,
    samples,
    value(name, labels) {
      const exact = (sample: Sample) => Object.keys(sample.labels).length === Object.keys(labels).length && includes(sample.labels, labels)
      return samples.find((sample) => sample.name === name && exact(sample))?.value
    },
    matching: (name, labels = {}) => samples.filter((sample) => sample.name === name && includes(sample.labels, labels)),
  }
}
