// A Worker for sign-cost.ts: signs the bench route's Invoke request for the POSTed payload `n`
// times (`?n=N`) with the portable WebCrypto signing, so that workerd's CPU time per signature can
// be read from outside (inside, the clock stands still while code runs).

import { fromStatic } from '../../src/credentials/static.ts'
import { type InvokeTarget, invokeTarget, signInvoke } from '../../src/plugins/aws-lambda/invoke.ts'
import { CREDENTIALS, REGION } from './bench-config.ts'
import { benchRoute } from './bench-route.ts'

// Built with wrangler.toml, which binds this class.
export { RateLimitCounters } from '../../src/runtime/workers/counters-object.ts'

// Built at the first request: building the config draws random values, which Workers refuse at load.
let target: InvokeTarget | undefined

export default {
  async fetch(request: Request): Promise<Response> {
    const n = Number(new URL(request.url).searchParams.get('n'))
    const payload = await request.text()
    target ??= invokeTarget(benchRoute().config, REGION, fromStatic(CREDENTIALS.accessKeyId, CREDENTIALS.secretAccessKey))
    for (let i = 0; i < n; i++) await signInvoke(target, payload)
    return new Response('signed')
  },
}
