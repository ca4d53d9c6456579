// parse-prometheus-text-format ships no types: test/support/prometheus-scrape.ts states what it returns.
declare module 'parse-prometheus-text-format' {
  export default function parsePrometheusTextFormat(text: string): any
}
