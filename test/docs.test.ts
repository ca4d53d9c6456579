// Docs that cannot drift: the README's aws-lambda field table is the schema's, and every
// document the code or the docs cite is in the repository, down to the heading.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { describe, expect, it } from 'vitest'
import { endMarker, FIELD_DOCS, fieldTable, startMarker, withFieldTables } from '../scripts/config-reference.ts'
import { PLUGINS } from '../src/plugins/index.ts'

describe('README field tables', () => {
  const readme = readFileSync('README.md', 'utf8')

  it('are the ones generated from the schemas (run `npm run docs` after changing a field)', () => {
    expect(readme).toBe(withFieldTables(readme))
  })

  it.each(PLUGINS.map((plugin) => [plugin.name, plugin] as const))('%s: every field of the schema with its default and a meaning', (name, { schema }) => {
    expect(readme).toContain(startMarker(name))
    const docs = FIELD_DOCS.get(name) ?? {}
    const table = fieldTable(schema, docs)
    for (const [field, spec] of Object.entries(schema)) {
      const row = table.split('\n').find((line) => line.startsWith(`| \`${field}\` |`))
      expect(row, field).toBeDefined()
      expect(docs[field]?.trim().length, `${field} has a meaning in src/plugins/${name}/docs.ts`).toBeGreaterThan(10)
      // An empty list is written `[]` (config-reference.ts).
      if ('default' in spec) {
        const shown = Array.isArray(spec.default) ? spec.default.join(', ') || '[]' : spec.default
        expect(row, field).toContain(`| \`${shown}\` |`)
      }
    }
  })

  it("adds a plugin's missing table at the end of the last table's section", () => {
    const [first, second] = PLUGINS
    const before = `# R\n\n${startMarker(first.name)}\n${endMarker(first.name)}\n\nAbout the first.\n\n## Next\n`
    const after = withFieldTables(before, [first, second])
    expect(after).toContain(`About the first.\n\n### \`${second.name}\` plugin fields\n`)
    expect(after).toContain(`${endMarker(second.name)}\n\n## Next\n`)
    expect(withFieldTables(after, [first, second])).toBe(after)
  })
})

/** Documents that were never in the repository; citing them leaves a reader with nothing to open. */
// Written with \u00a7 and split, so that this file does not itself read as such a citation.
const OUTSIDE_DOCUMENTS = [/\breference \u00a7/, /\bKong \u00a7/, new RegExp(['shared', 'reference'].join('/')), /\/work\//]
/** A section sign belongs to an RFC citation (`RFC 9110 §5.1 and §5.5`); any other points at a document we do not have. */
const RFC_SECTIONS = /RFC \d+ §[\d.]+(?:(?:,| and| or|–|-) ?§[\d.]+)*/g
/** A mention of a Markdown file (not inside a URL), with its anchor. */
const MARKDOWN_MENTION = /(?<![\w/.@-])((?:[\w.-]+\/)*[\w.-]+\.md)(?:#([\w-]+))?/g
const MARKDOWN_LINK = /\]\(#([\w-]+)\)/g

/** GitHub's anchor for a heading: lower-cased, punctuation dropped, spaces as hyphens. */
function headingSlug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replaceAll(' ', '-')
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>()
  for (const [, heading] of markdown.matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const slug = headingSlug(heading)
    let anchor = slug
    for (let n = 1; anchors.has(anchor); n++) anchor = `${slug}-${n}`
    anchors.add(anchor)
  }
  return anchors
}

/**
 * What `text` (the content of `file`, a path from the repository's root) cites that a reader of
 * the repository cannot open: a document from outside it, a section sign that is not an RFC's,
 * a Markdown file that does not exist, or an anchor that is no heading of its file.
 */
function citationProblems(file: string, text: string, read: (path: string) => string | undefined): string[] {
  const problems: string[] = []
  text.split('\n').forEach((line, index) => {
    const where = `${file}:${index + 1}`
    for (const pattern of OUTSIDE_DOCUMENTS) {
      if (pattern.test(line)) problems.push(`${where} cites a document outside the repository: ${line.trim()}`)
    }
    if (line.replace(RFC_SECTIONS, '').includes('§')) problems.push(`${where} cites a section of a document that is not named: ${line.trim()}`)
    const cited: Array<[string, string | undefined]> = [...line.matchAll(MARKDOWN_MENTION)].map(([, path, anchor]) => [path, anchor])
    if (file.endsWith('.md')) for (const [, anchor] of line.matchAll(MARKDOWN_LINK)) cited.push([file, anchor])
    for (const [mentioned, anchor] of cited) {
      const path = [mentioned, join(dirname(file), mentioned)].map(normalize).find((candidate) => read(candidate) !== undefined)
      if (path === undefined) {
        problems.push(`${where} cites ${mentioned}, which is not in the repository`)
      } else if (anchor !== undefined && !anchorsOf(read(path)!).has(anchor)) {
        problems.push(`${where} cites ${mentioned}#${anchor}, which is no heading of ${path}`)
      }
    }
  })
  return problems
}

describe('citations', () => {
  const read = (path: string) => (existsSync(path) && statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined)
  const filesUnder = (dir: string) =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name))

  // This file is left out: its cases below hold the very citations the rule refuses.
  const codeFiles = ['src', 'test', 'scripts'].flatMap(filesUnder).filter((file) => file !== join('test', 'docs.test.ts'))

  it('in src/, test/, scripts/, the README, BENCHMARKS.md and docs/ all resolve inside the repository', () => {
    const files = [...codeFiles, ...filesUnder('docs'), 'README.md', 'BENCHMARKS.md']
    expect(files).toContain(join('src', 'plugins', 'aws-lambda', 'invoke.ts'))
    expect(files.flatMap((file) => citationProblems(file, readFileSync(file, 'utf8'), read))).toEqual([])
  })

  it('the docs/ anchors the code cites are headings of their files', () => {
    const cited = codeFiles.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/docs\/[\w-]+\.md#[\w-]+/g)].map(([link]) => link))
    expect(cited).toContain('docs/aws-lambda-plugin.md#payload-formats')
    for (const link of cited) {
      const [path, anchor] = link.split('#')
      expect(anchorsOf(readFileSync(path, 'utf8')), link).toContain(anchor)
    }
  })

  describe('the rule', () => {
    const files: Record<string, string> = { 'docs/a.md': '# A title\n## Payload formats (1.0, 2.0)\n## Payload formats (1.0, 2.0)\n' }
    const problems = (text: string, file = 'src/x.ts') => citationProblems(file, text, (path) => files[path])

    it('refuses documents from outside the repository', () => {
      expect(problems('// as reference \u00a72.6 says')).toHaveLength(2)
      expect(problems('// Kong §2.2–2.3')).toHaveLength(2)
      expect(problems('// credentials.md \u00a77')).toHaveLength(2)
      expect(problems('// see peers.md')).toEqual(['src/x.ts:1 cites peers.md, which is not in the repository'])
      expect(problems('// the payload (§4.4, §4.6)')).toHaveLength(1)
    })

    it('takes RFC sections, URLs and existing headings', () => {
      expect(problems('// RFC 9110 §5.1 and §5.5; RFC 9112 §3.2.2')).toEqual([])
      expect(problems('// https://github.com/Kong/kong/blob/master/CHANGELOG.md#390')).toEqual([])
      expect(problems('// docs/a.md#payload-formats-10-20, docs/a.md#payload-formats-10-20-1, docs/a.md')).toEqual([])
      expect(problems('[A](#a-title), [the same](a.md#a-title)', 'docs/a.md')).toEqual([])
    })

    it('refuses an anchor that is no heading', () => {
      expect(problems('// docs/a.md#payload')).toEqual(['src/x.ts:1 cites docs/a.md#payload, which is no heading of docs/a.md'])
      expect(problems('[B](#b)', 'docs/a.md')).toEqual(['docs/a.md:1 cites docs/a.md#b, which is no heading of docs/a.md'])
    })
  })
})
