// The test CA's files (test/support/tls/README.md).

import { readFileSync } from 'node:fs'

const DIR = new URL('./tls/', import.meta.url)

/** A PEM file of test/support/tls. */
export function testPem(name: string): string {
  return readFileSync(new URL(name, DIR), 'utf8')
}
