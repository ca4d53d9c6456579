// decK's environment templates: `${{ env "DECK_NAME" }}` in a value is replaced by that variable,
// as `deck file render` and `deck gateway sync` do (only DECK_-prefixed names; the pipes
// `| toInt`, `| toFloat`, `| toBool` give a number or a boolean,
// https://github.com/Kong/go-database-reconciler/blob/main/pkg/file/template.go). decK renders
// the file's text before reading it; here every string of the read document is rendered, so
// that a problem names its field. A template of any other form is refused, saying so.

import type { Env } from '../env.ts'
import { type ConfigProblem, isPlainObject, joinPath } from './validate.ts'

const PREFIX = 'DECK_'
const ACTION = /\$\{\{(.*?)\}\}/gs
const ENV_ACTION = /^-?\s*env\s+"([^"\\]*)"\s*(?:\|\s*(toInt|toFloat|toBool)\s*)?-?$/
const PIPE_TYPES: Record<string, string> = { toInt: 'an integer', toFloat: 'a number', toBool: 'a boolean' }

/** Whether `text` is one `${{ env "DECK_NAME" }}` template and nothing else: its value comes from the environment where it is rendered. */
export function isEnvTemplate(text: string): boolean {
  const whole = /^\$\{\{(.*)\}\}$/s.exec(text)
  const action = whole && !whole[1].includes('}}') ? ENV_ACTION.exec(whole[1].trim()) : null
  return action?.[1].startsWith(PREFIX) ?? false
}

/** What rendering did, for the problems found later. */
export interface Rendered {
  /** The paths of the values a template made, with the template, so that a problem never quotes the value. */
  readonly values: ReadonlyMap<string, { template: string; value: string }>
  /** Paths whose value is a template's whole text: read as a number or boolean where the field takes one, as YAML reads decK's rendered text. */
  readonly whole: ReadonlySet<string>
  /** The problems of the templates that could not be rendered, by path: the only ones said there (the unrendered text fails its field's checks too). */
  readonly failed: ReadonlyMap<string, readonly ConfigProblem[]>
}

/** `document` with every template rendered from `env`; problems (unset variables, other templates) are pushed. */
export function renderTemplates(document: unknown, env: Env, problems: ConfigProblem[]): { document: unknown; rendered: Rendered } {
  const values = new Map<string, { template: string; value: string }>()
  const whole = new Set<string>()
  const failed = new Map<string, ConfigProblem[]>()
  const render = (value: unknown, path: string): unknown => {
    if (Array.isArray(value)) return value.map((item, index) => render(item, joinPath(path, index)))
    if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, render(field, joinPath(path, key))]))
    if (typeof value !== 'string' || !value.includes('${{')) return value
    return renderString(value, path)
  }
  const renderString = (text: string, path: string): unknown => {
    let typed: number | boolean | undefined
    let count = 0
    const own: ConfigProblem[] = []
    const fail = (message: string, template: string) => {
      own.push({ path, message })
      return template
    }
    const out = text.replace(ACTION, (template, action: string) => {
      count++
      const parsed = ENV_ACTION.exec(action.trim())
      if (!parsed) {
        return fail(
          `unsupported template ${template}: lambda-gateway renders decK's \${{ env "DECK_NAME" }} (optionally | toInt, | toFloat or | toBool) only`,
          template,
        )
      }
      const [, name, pipe] = parsed
      if (!name.startsWith(PREFIX)) return fail(`environment variables in the state file must be prefixed with '${PREFIX}', found: '${name}'`, template)
      const value = env[name]
      if (typeof value !== 'string') return fail(`environment variable '${name}' present in state file but not set`, template)
      if (pipe) {
        typed = convert(value, pipe)
        if (typed === undefined) return fail(`error calling ${pipe}: the value of ${name} is not ${PIPE_TYPES[pipe]}`, template)
      }
      values.set(path, { template, value })
      return value
    })
    if (own.length === 0 && text.replace(ACTION, '').includes('${{')) fail(`unsupported template: a $\{{ without its }}`, text)
    if (own.length > 0) {
      problems.push(...own)
      failed.set(path, own)
      return text
    }
    const onlyTemplate = count === 1 && /^\$\{\{.*\}\}$/s.test(text)
    if (onlyTemplate && typed !== undefined) return typed
    if (onlyTemplate) whole.add(path)
    return out
  }
  const rendered = render(document, '')
  return { document: rendered, rendered: { values, whole, failed } }
}

/** Go's strconv.Atoi, ParseFloat and ParseBool, as decK's pipes call them. */
function convert(value: string, pipe: string): number | boolean | undefined {
  if (pipe === 'toBool') {
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true
    if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false
    return undefined
  }
  if (pipe === 'toInt') return /^[+-]?\d+$/.test(value) ? Number(value) : undefined
  const number = Number(value)
  return value.trim() !== '' && Number.isFinite(number) ? number : undefined
}

/**
 * A whole-value template's text read as YAML reads a plain scalar once decK has rendered it:
 * `port: ${{ env "DECK_PORT" }}` is a number where the field takes one.
 */
export function readRenderedScalar(text: string, type: 'number' | 'integer' | 'boolean'): unknown {
  if (type === 'boolean') return /^(true|True|TRUE)$/.test(text) ? true : /^(false|False|FALSE)$/.test(text) ? false : text
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) return Number(text)
  return text
}

/**
 * The problems as told: at a template that could not be rendered, only the template's own; at a
 * rendered value, the template is quoted instead of the value (which may be a secret), and named
 * when the problem does not quote it.
 */
export function templateProblems(problems: ConfigProblem[], rendered: Rendered): ConfigProblem[] {
  const told = problems.filter((problem) => rendered.failed.get(problem.path)?.includes(problem) ?? true)
  if (rendered.values.size === 0) return told
  return told.map((problem) => {
    let { message } = problem
    for (const [path, { template, value }] of rendered.values) {
      if (
        value !== '' &&
        (problem.path === path || problem.path.startsWith(`${path}.`) || problem.path.startsWith(`${path}[`) || path.startsWith(`${problem.path}.`))
      ) {
        message = message.replaceAll(value, template)
      }
      // A problem with the value itself ("expected an integer") says which variable gave it.
      if (problem.path === path && !message.includes(template)) message += ` (rendered from ${template})`
    }
    return message === problem.message ? problem : { ...problem, message }
  })
}
