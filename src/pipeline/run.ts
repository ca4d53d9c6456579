// Kong's phases for one request (kong/runloop/plugins_iterator.lua): the route's plugins in
// priority order, each name's instance chosen by precedence. The access phase ends at the first
// answer (`kong.response.exit`): the plugins after it are still the request's and see the
// answer in the response phase, as in Kong. With no answer, the route's upstream answers.

import { inSpan } from '../tracing/trace.ts'
import { errorAnswer } from './answers.ts'
import type { RequestContext } from './context.ts'
import type { AnswerSource } from './log-phase.ts'
import type { PluginHandlers } from './plugin.ts'

/** Answers a response phase gave as its own (Kong's `kong.response.exit` in header_filter). */
const exits = new WeakSet<Response>()

/**
 * `response` as the answer a response phase ends with, as Kong's `kong.response.exit` in
 * header_filter: the response phases of the plugins after it do not run (nginx's `ngx.exit`
 * there), and the answer is the gateway's, not the service's.
 */
export function responsePhaseExit(response: Response): Response {
  exits.add(response)
  return response
}

/** One plugin name of a route: its instance for this request, chosen by precedence (undefined: none applies). */
export interface PluginStep {
  readonly name: string
  pick(ctx: RequestContext): PluginHandlers | undefined
}

export interface RoutePlan {
  /** Highest priority first. */
  readonly steps: readonly PluginStep[]
  /** The answer when no plugin answered in the access phase (Kong's proxying, or its 503). */
  upstream(ctx: RequestContext): Response | Promise<Response>
  /** The instances with a rewrite phase that apply whoever the consumer; absent when none has. */
  readonly rewrite?: readonly PluginHandlers[]
}

/** The answer to `ctx`, who made it, and the plugins that took part (their log handlers run once it is sent). */
export async function runPlan(plan: RoutePlan, ctx: RequestContext): Promise<{ response: Response; source: AnswerSource; plugins: PluginHandlers[] }> {
  const plugins: PluginHandlers[] = []
  // With a sampled trace, each phase a plugin takes part in is a span (Kong's
  // `kong.<phase>.plugin.<name>`); without one, nothing is made for it.
  let names: string[] | undefined
  let response: Response | undefined
  let source: AnswerSource = 'exit'
  try {
    if (plan.rewrite) for (const plugin of plan.rewrite) plugin.rewrite?.(ctx)
    if (ctx.trace?.sampled) names = []
    for (const step of plan.steps) {
      const plugin = step.pick(ctx)
      if (plugin === undefined) continue
      plugins.push(plugin)
      names?.push(step.name)
      if (response !== undefined || !plugin.access) continue
      response = names ? await inSpan(ctx.trace!, `kong.access.plugin.${step.name}`, () => plugin.access!(ctx)) : await plugin.access(ctx)
    }
    if (response === undefined) {
      response = await plan.upstream(ctx)
      // The service answered, or the gateway for it (no service, no target, a failed connection).
      source = ctx.upstreamCall?.status === undefined ? 'error' : 'service'
    }
  } catch (error) {
    response = failure(error, ctx)
    source = 'error'
  }
  try {
    for (let i = 0; i < plugins.length; i++) {
      const plugin = plugins[i]
      if (!plugin.response) continue
      const answer: Response = response
      response = names
        ? await inSpan(ctx.trace!, `kong.header_filter.plugin.${names[i]}`, () => plugin.response!(ctx, answer))
        : await plugin.response(ctx, response)
      if (exits.has(response)) {
        source = 'exit'
        break
      }
    }
  } catch (error) {
    // Kong's 500 from a failing header_filter: the plugins after it would change an answer that is no longer theirs.
    response.body?.cancel().catch(() => {})
    response = failure(error, ctx)
    source = 'error'
  }
  return { response, source, plugins }
}

function failure(error: unknown, ctx: RequestContext): Response {
  return errorAnswer(error, ctx.requestId, ctx.log, { request_id: ctx.requestId, route: ctx.route.label })
}
