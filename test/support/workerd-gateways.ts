// The Worker as it is deployed, outside the vitest pool: the bundle `wrangler deploy` builds, in
// Miniflare (workerd), in as many isolates as asked, every one bound to the first one's
// Durable Object namespace — what a deployment that Workers spreads over isolates is. For the
// two-isolate rate-limit test and the bench's workerd targets.

import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { convertV4MiniflareOptions, Miniflare } from 'miniflare'
import { unstable_getMiniflareWorkerOptions } from 'wrangler'

const ROOT = join(import.meta.dirname, '../..')

/** Builds src/worker.ts (or `entry`) as `wrangler deploy` would (minified, one module); its path. */
export function bundleWorker(entry?: string): string {
  const outdir = mkdtempSync(join(tmpdir(), 'lambda-gateway-worker-'))
  execFileSync(process.execPath, [join(ROOT, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', '--dry-run', '--outdir', outdir, ...(entry ? [entry] : [])], {
    cwd: ROOT,
    stdio: 'ignore',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  })
  return join(outdir, `${basename(entry ?? 'worker.ts', '.ts')}.js`)
}

/** wrangler.toml's compatibility settings and the binding with its SQLite storage, as `wrangler dev` reads them. */
export function wranglerSettings() {
  return unstable_getMiniflareWorkerOptions(join(ROOT, 'wrangler.toml')).workerOptions as {
    compatibilityDate: string
    compatibilityFlags: string[]
    durableObjects: Record<string, { className: string; useSQLite?: boolean }>
  }
}

export interface WorkerdGateways {
  /** Where the first isolate listens on 127.0.0.1. */
  url: URL
  /** A GET to each isolate. */
  isolates: Array<(url: string, headers?: Record<string, string>) => Promise<Response>>
  dispose(): Promise<void>
}

/** `isolates` gateways serving `config` from `bundle`; the first one hosts the counters' Durable Objects. */
export async function startWorkerdGateways(bundle: string, config: unknown, isolates = 1): Promise<WorkerdGateways> {
  const { compatibilityDate, compatibilityFlags, durableObjects } = wranglerSettings()
  const names = Array.from({ length: isolates }, (_, i) => `gateway-${i}`)
  // Miniflare 5 reads its earlier options through convertV4MiniflareOptions.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: '127.0.0.1',
      // The request lines are not wanted; warnings and errors are.
      handleStructuredLogs: ({ level, message }) => {
        if (level === 'warn' || level === 'error') process.stderr.write(`${message}\n`)
      },
      port: 0,
      workers: names.map((name, i) => ({
        name,
        modules: true,
        scriptPath: bundle,
        // Module paths may not leave the root.
        modulesRoot: dirname(bundle),
        compatibilityDate,
        compatibilityFlags,
        bindings: { GATEWAY_CONFIG: JSON.stringify(config) },
        // The same namespace for all: the others reach the first one's objects.
        durableObjects: i === 0 ? durableObjects : { RATE_LIMIT_COUNTERS: { className: 'RateLimitCounters', scriptName: names[0] } },
      })),
    }),
  )
  const url = await mf.ready
  const fetchers = await Promise.all(names.map((name) => mf.getWorker(name)))
  return {
    url,
    isolates: fetchers.map((fetcher) => async (url, headers) => (await fetcher.fetch(url, { headers })) as unknown as Response),
    dispose: () => mf.dispose(),
  }
}
