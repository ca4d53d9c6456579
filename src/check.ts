// `npm run check -- --config FILE`: loads a config exactly as the Node entry would, in this
// environment (vault references, regions, credential source settings), and prints every
// problem with its field path. Exit code 0 when the gateway would start, 1 when not.
// `--workers` checks it as the Worker would load it (a vault reference to a variable not set
// here is a note: the Worker has its own secrets); `--print-json` prints it as the Worker's
// GATEWAY_CONFIG (vault references left for the Worker to resolve).

import { parseArgs } from 'node:util'
import { readConfigFile } from './cli/config-file.ts'
import { printProblems } from './cli/start.ts'
import { certificateProblems } from './cli/tls-certificates.ts'
import { hostCredentialSources } from './credentials/host/sources.ts'
import type { Env } from './env.ts'
import { secretValues } from './model/secrets.ts'
import { isEnvTemplate } from './model/templates.ts'
import { ConfigError, type ConfigProblem } from './model/validate.ts'
import { isVaultReference } from './model/vault.ts'
import { UNKNOWN_CLIENT } from './pipeline/request.ts'
import { createLocalStore } from './rate-limit/local-store.ts'
import { nodeBodyReader } from './runtime/node/body-reader.ts'
import { nodeLogFiles } from './runtime/node/log-files.ts'
import { nodeTransport } from './runtime/node/transport.ts'
import { nodeUpstreamTransport } from './runtime/node/upstream-transport.ts'
import { loadGateway, platformTerminatesTls, type RuntimeHooks } from './startup.ts'
import { fetchTransport } from './transport.ts'

const USAGE = 'usage: npm run check -- --config FILE [--workers] [--print-json]'

const clientInfo = () => UNKNOWN_CLIENT
const NODE: RuntimeHooks = {
  clientInfo,
  transport: nodeTransport,
  upstreamTransport: nodeUpstreamTransport,
  hostCredentials: hostCredentialSources,
  // Opened on a first line only: a check writes none.
  logFiles: nodeLogFiles(),
  // The redis policy loads as on Node; a check counts nothing, so it never connects.
  counterStores: { redis: () => createLocalStore() },
  server: { bodyReader: nodeBodyReader, runtime: 'Node', https: { tellsServerName: true } },
  checkCertificates: certificateProblems,
}
/** What the Worker has: fetch only (no proxy, no skipping TLS checks), no host credential sources, no SNI, the platform's TLS. */
const WORKERS: RuntimeHooks = {
  clientInfo,
  transport: fetchTransport,
  hostCredentials: () => [],
  httpsWithoutSni: true,
  checkCertificates: platformTerminatesTls,
  // The Worker counts `cluster` in Durable Objects; a check counts nothing, so any store stands in.
  counterStores: { cluster: createLocalStore() },
}

export async function checkConfig(argv: string[], env: Env): Promise<boolean> {
  let values: { config?: string; workers?: boolean; 'print-json'?: boolean }
  try {
    values = parseArgs({
      args: argv,
      options: { config: { type: 'string' }, workers: { type: 'boolean' }, 'print-json': { type: 'boolean' } },
      strict: true,
    }).values
  } catch (error) {
    console.error(`lambda-gateway check: ${(error as Error).message}\n${USAGE}`)
    return false
  }
  const configPath = values.config
  if (!configPath) {
    console.error(`lambda-gateway check: --config FILE is required\n${USAGE}`)
    return false
  }
  const printJson = values['print-json'] === true
  try {
    const document = await readConfigFile(configPath)
    // Building resolves vault references in place: the printed copy keeps them.
    const original = structuredClone(document)
    // Warnings (a route without a region, ssl_verify off) are shown; request logs are not.
    // The Worker reads vault references from its own secrets, which this machine need not have.
    const unsetVariable = ({ path, message }: ConfigProblem) => console.error(`  note: ${path}: ${message} here; the Worker needs it as a secret`)
    const { config } = loadGateway(document, env, values.workers ? WORKERS : NODE, 'warn', values.workers ? { unsetVariable } : {})
    const summary = `${configPath}: valid${values.workers ? ' for Workers' : ''}, ${config.routes.length} route${config.routes.length === 1 ? '' : 's'}`
    if (!printJson) {
      console.log(summary)
      return true
    }
    const literal = literalSecrets(original)
    if (literal.length > 0) throw new ConfigError(literal)
    // stdout is the config alone, ready for `wrangler secret put GATEWAY_CONFIG`.
    console.error(summary)
    console.log(JSON.stringify(original))
    return true
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    printProblems(configPath, error)
    return false
  }
}

/**
 * A printed config never carries a secret: `aws_secret` and the secrets of credentials (a key,
 * a password, a JWT or HMAC secret) must be vault references or decK templates, which the Worker
 * resolves from its own secrets.
 */
function literalSecrets(document: unknown): ConfigProblem[] {
  return secretValues(document)
    .filter(({ value }) => !isVaultReference(value) && !isEnvTemplate(value))
    .map(({ path }) => ({
      path,
      message: path.endsWith('.aws_secret')
        ? `--print-json does not print secrets: use a vault reference such as {vault://env/aws-secret-access-key} and \`npx wrangler secret put AWS_SECRET_ACCESS_KEY\` (or a decK template such as $\{{ env "DECK_AWS_SECRET" }} and \`npx wrangler secret put DECK_AWS_SECRET\`)`
        : `--print-json does not print secrets: use a vault reference such as {vault://env/NAME} and \`npx wrangler secret put NAME\` (or a decK template such as $\{{ env "DECK_NAME" }})`,
    }))
}

if (import.meta.main) process.exit((await checkConfig(process.argv.slice(2), process.env)) ? 0 : 1)
