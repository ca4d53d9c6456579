// normalizePath: Kong's normalize(path, true), with the cases of Kong's own spec
// (spec/01-unit/18-tools_uri_spec.lua), and what a path that is not UTF-8 once decoded becomes.

import { describe, expect, it } from 'vitest'
import { normalizePath } from '../../src/router/normalize-path.ts'

describe("normalizePath: Kong's cases", () => {
  it.each([
    // no normalization necessary
    ['', ''],
    ['/', '/'],
    ['/a', '/a'],
    ['/a/', '/a/'],
    ['/a/b/c', '/a/b/c'],
    ['/a/b/c/', '/a/b/c/'],
    // reserved characters stay encoded
    ['/a%2Fb%2Fc/', '/a%2Fb%2Fc/'],
    ['/%20%21%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F%40%5B%5D', '/ %21%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F%40%5B%5D'],
    // percent-encoded triplets upper-cased, unreserved ones decoded
    ['/a%2fb%2fc/', '/a%2Fb%2Fc/'],
    ['/f%6f%6f', '/foo'],
    ['/%6B%6f%6e%67', '/kong'],
    ['/%2E', '/'],
    // dot segments removed (RFC 3986's examples included)
    ['/./', '/'],
    ['/.', '/'],
    ['/..', '/'],
    ['/../', '/'],
    ['/./.././../', '/'],
    ['/a/b/c/./../../g', '/a/g'],
    ['mid/content=5/../6', 'mid/6'],
    // merge_slashes
    ['//', '/'],
    ['/////', '/'],
    ['/a//b//', '/a/b/'],
    // non-ASCII characters decoded (Kong issue #2366)
    ['/endel%C3%B8st', '/endeløst'],
    // Kong's complex case, with UTF-8 bytes where Kong's has the bytes 0x99 0xAF (see below)
    ['/%C3%A4/a/%2e./a%2E//a/%2e/./a/../a/%2e%2E/%5f%C3%B8%2f%2F', '/ä/a./a/_ø%2F%2F'],
  ])('%j → %j', (path, normalized) => {
    expect(normalizePath(path)).toBe(normalized)
  })
})

describe('normalizePath: decoded bytes that are not UTF-8', () => {
  // Kong 3's router takes only UTF-8 paths (404 otherwise); such a path has no text form here.
  it.each([
    ['/%C3%A4/a/%2e./a%2E//a/%2e/./a/../a/%2e%2E/%5f%99%af%2f%2F'], // Kong's complex case as Kong writes it
    ['/%FF'],
    ['/caf%C3'],
    ['/%C3%2F%A9'], // a reserved triplet does not join the bytes around it
    ['/%C0%AE%C0%AE/'], // an overlong `..`
    ['/%ED%A0%80'], // a UTF-16 surrogate
  ])('%j has no normalised form', (path) => {
    expect(normalizePath(path)).toBeUndefined()
  })
})

describe('normalizePath: more', () => {
  it.each([
    ['/%2561', '/%2561'], // `%25` stays encoded: never decoded twice
    ['/a%zz/%4', '/a%zz/%4'], // not triplets: as they are
    ['/%EF%BB%BFx', '/\uFEFFx'], // a leading BOM is text like any other
    ['/%F0%9F%98%80/%E2%82%AC', '/😀/€'],
    ['/%00', '/\u0000'],
    ['/a%2F..%2Fb', '/a%2F..%2Fb'], // encoded slashes are no separators, so no dot segments
    ['/a/%2e%2e/b', '/b'],
    ['/file.json', '/file.json'],
    ['/a/..b/.c', '/a/..b/.c'],
  ])('%j → %j', (path, normalized) => {
    expect(normalizePath(path)).toBe(normalized)
  })
})
