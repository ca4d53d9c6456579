// `npm start` with no arguments: the embedded demo. The local Lambda emulator serves the
// example functions on 127.0.0.1:9001 and the gateway serves examples/demo.yml, whose routes
// point at it, so everything works with no AWS account.

import { fileURLToPath } from 'node:url'
import { reportStrayFunctionErrors } from '../emulator/invocation-log.ts'
import { startEmulator } from '../emulator/server.ts'
import type { RunningServer } from './start.ts'

const EXAMPLES = new URL('../../examples/', import.meta.url)
const DEMO_CONFIG = fileURLToPath(new URL('demo.yml', EXAMPLES))
const DEMO_FUNCTIONS = fileURLToPath(new URL('functions/', EXAMPLES))
/** The port examples/demo.yml sends its Invoke calls to. */
const DEMO_EMULATOR_PORT = 9001
/** demo-user's API key in examples/demo.yml, public like the rest of the demo. */
export const DEMO_API_KEY = 'demo-api-key'
/** An HS256 token signed with demo-user's JWT secret in examples/demo.yml: iss lambda-gateway-demo, sub demo-user, scope "items:read items:write", no expiry. */
export const DEMO_JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJkZW1vLXVzZXIiLCJzY29wZSI6Iml0ZW1zOnJlYWQgaXRlbXM6d3JpdGUiLCJpc3MiOiJsYW1iZGEtZ2F0ZXdheS1kZW1vIn0.ehI7-x11ekX9CuUswnIrm3jPCtQKMjmHkzB1IqW--S8'

type StartServer = (argv: string[], env: NodeJS.ProcessEnv) => Promise<RunningServer | null>

/** Starts the emulator, then the gateway on the demo config; null (after saying why) when either cannot start. */
export async function startDemo(argv: string[], env: NodeJS.ProcessEnv, startServer: StartServer): Promise<RunningServer | null> {
  // The example functions run in this process, as in the emulator's own CLI.
  reportStrayFunctionErrors()
  let emulator: Awaited<ReturnType<typeof startEmulator>>
  try {
    emulator = await startEmulator({ functionsDir: DEMO_FUNCTIONS, port: DEMO_EMULATOR_PORT })
  } catch (error) {
    const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
    console.error(
      `lambda-gateway demo: cannot start the Lambda emulator on 127.0.0.1:${DEMO_EMULATOR_PORT}: ${inUse ? 'the port is in use' : (error as Error).message}`,
    )
    return null
  }
  const server = await startServer(['--config', DEMO_CONFIG, ...argv], env)
  if (!server) {
    await emulator.close()
    return null
  }
  const base = server.url.replace('//0.0.0.0:', '//localhost:').replace('//[::]:', '//localhost:')
  console.log(
    [
      '',
      `lambda-gateway demo: no --config given, so serving ${DEMO_CONFIG}`,
      `with the functions in ${DEMO_FUNCTIONS} running in the local Lambda emulator (${emulator.url}).`,
      'Try:',
      `  curl '${base}/hello?name=Ada'                          # Kong's default payload: query and body arguments`,
      `  curl -X POST ${base}/echo -H 'content-type: application/json' -d '{"a":1}'   # forward_request_* payload`,
      `  curl ${base}/v1/items/1                                 # API Gateway 1.0 event, proxy integration`,
      `  curl ${base}/v2/items/2                                 # API Gateway 2.0 event, proxy integration`,
      `  curl -i -X POST ${base}/jobs -H 'content-type: application/json' -d '{"job":42}'   # asynchronous (Event) invocation: 202`,
      `  curl -N '${base}/ticks?count=5'                         # response streaming: server-sent events, one by one`,
      `  curl -i ${base}/fail                                    # the function throws: 502`,
      `  curl -i -X OPTIONS ${base}/hello -H 'Origin: http://localhost:3000' -H 'Access-Control-Request-Method: GET'   # a CORS preflight, answered by cors`,
      `  curl -i ${base}/maintenance                             # request-termination: 503, down for maintenance`,
      `  curl -i ${base}/private -H 'apikey: ${DEMO_API_KEY}'             # key-auth + acl (without the key: 401)`,
      `  curl ${base}/whoami -H 'Authorization: Bearer ${DEMO_JWT}'   # jwt: the function echoes requestContext.authorizer`,
      'Your own config: npm start -- --config FILE (see README.md).',
      '',
    ].join('\n'),
  )
  return { url: server.url, close: async () => void (await Promise.all([server.close(), emulator.close()])) }
}
