// Real-world style Kong declarative files (test/fixtures/kong/: Kong 3.x, 2.1 and 1.1 formats,
// nested and flat, consumers and groups, decK's keys and templates) through `npm run check`, as a
// deploy pipeline runs it. A file whose plugins lambda-gateway has is accepted; a file with
// plugins it does not have is refused naming every one of them. Which is which is worked out
// from the plugin registry, so the cases follow as plugins are added.

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { PLUGINS } from '../../src/plugins/index.ts'
import { CHILD_PROCESS_TEST, runCheck } from '../support/child-process.ts'

const ROOT = new URL('../..', import.meta.url).pathname
const DIR = 'test/fixtures/kong'

/** The variables the files' vault references and templates read. */
const ENV = {
  R2R_AWS_KEY: 'AKIDR2R',
  R2R_AWS_SECRET: 'r2r-secret',
  GATEWAY_ALICE_KEY: 'alice-key',
  GATEWAY_ALICE_PASSWORD: 'alice-password',
  GATEWAY_ALICE_JWT: 'alice-jwt-secret',
  GATEWAY_BOB_HMAC: 'bob-hmac-secret',
  GATEWAY_BOB_KEY: 'bob-key',
  MOBILE_APP_KEY: 'mobile-key',
  DECK_ENVIRONMENT: 'staging',
  DECK_CATALOG_UPSTREAM: 'https://catalog.internal',
  DECK_HOST: 'catalog.example.com',
  DECK_REGION: 'eu-west-1',
  DECK_LAMBDA_TIMEOUT: '5000',
  DECK_PROXY_INTEGRATION: 'true',
}

function check(file: string, env: Record<string, string> = ENV) {
  return runCheck(['--config', file], env)
}

/** The name of every plugin entry of a document, wherever it is written. */
function pluginNames(value: unknown, inPlugins = false): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => pluginNames(item, inPlugins))
  if (typeof value !== 'object' || value === null) return []
  const entry = value as Record<string, unknown>
  const own = inPlugins && typeof entry.name === 'string' ? [entry.name] : []
  return [...own, ...Object.entries(entry).flatMap(([key, field]) => (key === 'config' ? [] : pluginNames(field, key === 'plugins')))]
}

const files = readdirSync(join(ROOT, DIR)).filter((file) => /\.ya?ml$/.test(file))
const implemented = new Set(PLUGINS.map((plugin) => plugin.name))
const cases = files.map((file) => {
  const names = pluginNames(parse(readFileSync(join(ROOT, DIR, file), 'utf8')))
  return { file, plugins: [...new Set(names)].join(', '), missing: names.filter((name) => !implemented.has(name)) }
})

describe('Kong declarative files through npm run check', CHILD_PROCESS_TEST, () => {
  it('there are files of each kind', () => {
    expect(cases.filter((c) => c.missing.length === 0).length).toBeGreaterThanOrEqual(5)
    expect(cases.some((c) => c.missing.length > 0)).toBe(true)
  })

  it.each(cases.filter((c) => c.missing.length === 0))('accepts $file (plugins: $plugins)', ({ file }) => {
    const { code, stdout, stderr } = check(join(DIR, file))
    expect({ code, stderr: stderr.replace(/^\{.*"level":"warn".*\}\n/gm, '') }).toEqual({ code: 0, stderr: '' })
    expect(stdout).toMatch(new RegExp(`^${join(DIR, file)}: valid, \\d+ routes?\\n$`))
  })

  it.each(cases.filter((c) => c.missing.length > 0))('refuses $file naming every plugin it does not have (plugins: $plugins)', ({ file, missing }) => {
    const { code, stderr } = check(join(DIR, file))
    expect(code).toBe(1)
    for (const name of new Set(missing)) {
      const said = stderr.split('\n').filter((line) => line.includes(`plugin '${name}' is not supported by lambda-gateway`))
      expect(said, name).toHaveLength(missing.filter((m) => m === name).length)
    }
    // The plugins it has, said once however many it lacks.
    expect(stderr.split('\n').filter((line) => line.startsWith("  lambda-gateway's plugins: acl, aws-lambda, "))).toHaveLength(1)
  })

  it.each(['legacy-1.1.yml', 'deck-2.1.yml'])('%s: the migration is said once, with the paths it changed', (file) => {
    const warnings = check(join(DIR, file))
      .stderr.split('\n')
      .filter((line) => line.includes('"level":"warn"'))
      .map((line) => JSON.parse(line))
    expect(warnings).toEqual([
      expect.objectContaining({
        msg: expect.stringMatching(/^_format_version "\d\.1" read as Kong 3 reads it: 1 route path migrated/),
        paths: [expect.stringContaining('→ ~/')],
      }),
    ])
  })

  it('deck-templates.yml without its DECK_ variables: every one named with its field', () => {
    const { code, stderr } = check(join(DIR, 'deck-templates.yml'), {})
    expect(code).toBe(1)
    expect(stderr).toContain("services[0].url: environment variable 'DECK_CATALOG_UPSTREAM' present in state file but not set")
    expect(stderr).toContain("services[0].plugins[0].config.aws_region: environment variable 'DECK_REGION' present in state file but not set")
    expect(stderr).not.toMatch(/required field missing|must be a function name/)
  })

  it('consumers-groups-3.0.yml without its vault variables: each secret named by its reference, never a value', () => {
    const { code, stderr } = check(join(DIR, 'consumers-groups-3.0.yml'), {})
    expect(code).toBe(1)
    expect(stderr).toContain(
      'consumers[0].keyauth_credentials[0].key: vault reference {vault://creds/alice-key}: environment variable GATEWAY_ALICE_KEY is not set',
    )
    expect(stderr).toContain('keyauth_credentials[0].key: vault reference {vault://creds/bob-key}: environment variable GATEWAY_BOB_KEY is not set')
  })
})
