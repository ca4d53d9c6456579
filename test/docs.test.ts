// Docs that cannot drift: the README's aws-lambda field table is the schema's.

import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fieldTable, withFieldTable } from '../scripts/config-reference.ts'
import { awsLambdaSchema } from '../src/config/aws-lambda-schema.ts'

describe('README field table', () => {
  const readme = readFileSync('README.md', 'utf8')

  it('is the one generated from the schema (run `npm run docs` after changing a field)', () => {
    expect(readme).toBe(withFieldTable(readme))
  })

  it('lists every field of the schema with its default and a meaning', () => {
    const table = fieldTable()
    for (const [name, spec] of Object.entries(awsLambdaSchema)) {
      const row = table.split('\n').find((line) => line.startsWith(`| \`${name}\` |`))
      expect(row, name).toBeDefined()
      expect(spec.doc.trim().length, `${name} has a meaning`).toBeGreaterThan(10)
      if ('default' in spec) expect(row, name).toContain(`| \`${spec.default}\` |`)
    }
  })
})
