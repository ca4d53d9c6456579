// A route (Kong's kong/db/schema/entities/routes.lua): what requests it matches, and how.

import { normalizePath } from '../../router/normalize-path.ts'
import { compilePathRegex } from '../../router/path-regex.ts'
import { checkHost, type Schema } from '../schema.ts'
import { checkUtf8Name, metadata } from './common.ts'

/**
 * A regex path must compile (path-regex.ts says which syntax); a prefix must be in the normalised
 * form requests are matched in, as Kong requires, or it could never match.
 */
function checkPath(path: string): string | undefined {
  if (path.startsWith('~')) return compilePathRegex(path).error
  if (!path.startsWith('/')) return 'should start with: / (fixed path) or ~/ (regex path)'
  const normalized = normalizePath(path)
  if (normalized === undefined) return `invalid path: '${path}' (percent-encoded bytes that are not UTF-8)`
  return normalized === path ? undefined : `non-normalized path, consider use '${normalized}' instead`
}

function checkMethod(method: string): string | undefined {
  return /^[A-Z]+$/.test(method) ? undefined : `invalid value: ${method}`
}

function checkWildcardHost(host: string): string | undefined {
  const [name, port, extra] = host.split(':')
  if (extra !== undefined || (port !== undefined && !/^\d{1,5}$/.test(port))) return `invalid value: ${host}`
  const stars = name.split('*').length - 1
  if (stars > 1) return 'only one wildcard must be specified'
  if (stars === 1 && !name.startsWith('*.') && !name.endsWith('.*')) {
    return 'invalid wildcard: must be placed at leftmost or rightmost label'
  }
  return checkHost(name.replace('*', 'wildcard'))
}

export const routeSchema = {
  ...metadata,
  name: { type: 'string', check: checkUtf8Name, doc: 'Route name, used in logs; plugins may name the route by it.' },
  protocols: {
    type: 'array',
    doc: 'Accepted: http, https.',
    elements: { type: 'string', oneOf: ['http', 'https'], doc: '' },
  },
  paths: {
    type: 'array',
    doc: 'Path prefixes; a path starting with `~` is a regular expression anchored at the start.',
    elements: { type: 'string', check: checkPath, doc: '' },
  },
  methods: { type: 'array', elements: { type: 'string', check: checkMethod, doc: '' }, doc: 'Methods that match.' },
  hosts: { type: 'array', elements: { type: 'string', check: checkWildcardHost, doc: '' }, doc: 'Hosts that match.' },
  strip_path: { type: 'boolean', default: true, doc: 'Remove the matched path prefix.' },
  regex_priority: { type: 'integer', default: 0, doc: 'Higher regex paths are tried first.' },
  preserve_host: { type: 'boolean', doc: 'Ignored.', ignored: true },
  request_buffering: { type: 'boolean', doc: 'Ignored.', ignored: true },
  response_buffering: { type: 'boolean', doc: 'Ignored.', ignored: true },
  path_handling: { type: 'string', oneOf: ['v0', 'v1'], doc: 'Ignored.', ignored: true },
  https_redirect_status_code: { type: 'integer', doc: 'Ignored.', ignored: true },
} as const satisfies Schema
