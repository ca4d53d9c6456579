// The parts of parse-prometheus-text-format (which ships no types) the tests use.
declare module 'parse-prometheus-text-format' {
  interface ParsedFamily {
    name: string
    help: string
    /** Upper case: COUNTER, GAUGE, HISTOGRAM, SUMMARY, UNTYPED. */
    type: string
    metrics: Array<{ labels?: Record<string, string>; value?: string }>
  }
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[]
}
