// The prometheus plugin inside workerd: an isolate cannot be scraped, so the Worker refuses the
// plugin (and STATUS_LISTEN) at load with the reason and what to use instead, never counting
// metrics nobody can read.

import { createExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import worker from '../../src/worker.ts'

const logLines: string[] = []
beforeAll(() => {
  for (const method of ['log', 'error'] as const) vi.spyOn(console, method).mockImplementation((line: unknown) => void logLines.push(String(line)))
})

/** The problems the Worker logs for this configuration and these bindings, and its answer's status. */
async function problemsOf(config: unknown, bindings: Record<string, string> = {}): Promise<{ status: number; problems: string[] }> {
  const before = logLines.length
  const response = await worker.fetch(
    new Request('http://gateway.test/'),
    { ...env, ...bindings, GATEWAY_CONFIG: JSON.stringify(config) },
    createExecutionContext(),
  )
  const problems = logLines.slice(before).flatMap((line) => (JSON.parse(line) as { problems?: string[] }).problems ?? [])
  return { status: response.status, problems }
}

const lambdaRoute = { name: 'r', paths: ['/'], plugins: [{ name: 'aws-lambda', config: { function_name: 'f', aws_region: 'us-east-1' } }] }

describe('prometheus on Workers', () => {
  it('is refused at load, saying why and naming the alternatives', async () => {
    const { status, problems } = await problemsOf({
      _format_version: '3.0',
      routes: [lambdaRoute],
      plugins: [{ name: 'prometheus', config: { status_code_metrics: true } }],
    })
    expect(status).toBe(500)
    expect(problems).toEqual([
      'plugins[0].config: not supported on Workers: an isolate cannot be scraped (no listener of its own, and each isolate counts apart); use Cloudflare’s Workers metrics, or send logs with http-log and traces with opentelemetry',
    ])
  })

  it('STATUS_LISTEN is refused: there is no listener to serve /metrics on', async () => {
    const { status, problems } = await problemsOf({ _format_version: '3.0', routes: [lambdaRoute] }, { STATUS_LISTEN: '127.0.0.1:8100' })
    expect(status).toBe(500)
    expect(problems).toEqual(['STATUS_LISTEN: not supported on Workers: an isolate has no listener of its own to serve /metrics; unset it'])
  })
})
