// The request path as Kong matches it: Kong's `normalize(path, true)`
// (https://github.com/Kong/kong/blob/master/kong/tools/uri.lua), so that `/%61dmin` and
// `/admin/./x//y` reach the routes of `/admin/x/y`, and the function sees the path that matched.
// - A percent-encoded character that is not reserved in RFC 3986 is decoded; a reserved one
//   (`%2F`, `%3F`, `%25`, …) stays encoded, upper-cased: `%2F` never becomes a separator and
//   `%25` is never decoded twice.
// - Dot segments are removed (after decoding, so `%2E%2E` is `..`) and repeated slashes merged.
// Decoded bytes must be UTF-8: Kong 3's router refuses any other path (404), and a path here is
// text, so such a path has no normalised form (undefined).

const RESERVED = new Set([..."!*'();:@&=+$,/?%#[]"].map((char) => char.charCodeAt(0)))
const TRIPLETS = /(?:%[0-9A-Fa-f]{2})+/g
// ignoreBOM keeps a leading U+FEFF in the text instead of dropping it.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

export function normalizePath(path: string): string | undefined {
  const decoded = path.includes('%') ? decodeUnreserved(path) : path
  if (decoded === undefined) return undefined
  const segmentsToFix = decoded.includes('/.') || decoded.includes('//') || decoded.startsWith('.')
  return segmentsToFix ? removeDotSegments(decoded) : decoded
}

function decodeUnreserved(path: string): string | undefined {
  let valid = true
  const decoded = path.replace(TRIPLETS, (run) => {
    let text = ''
    let pending: number[] = []
    const flush = () => {
      if (pending.every((byte) => byte < 0x80)) text += String.fromCharCode(...pending)
      else {
        try {
          text += UTF8.decode(new Uint8Array(pending))
        } catch {
          valid = false
        }
      }
      pending = []
    }
    for (let i = 0; i < run.length; i += 3) {
      const byte = Number.parseInt(run.slice(i + 1, i + 3), 16)
      if (RESERVED.has(byte)) {
        flush()
        text += run.slice(i, i + 3).toUpperCase()
      } else {
        pending.push(byte)
      }
    }
    flush()
    return text
  })
  return valid ? decoded : undefined
}

/** RFC 3986's remove_dot_segments, with `//` merged into `/` as Kong's `merge_slashes` does. */
function removeDotSegments(path: string): string {
  const output: string[] = []
  let i = 0
  const rest = (text: string) => path.length - i === text.length && path.endsWith(text)
  while (i < path.length) {
    if (path.startsWith('../', i)) i += 3
    else if (path.startsWith('./', i) || path.startsWith('/./', i)) i += 2
    else if (path.startsWith('/../', i)) {
      i += 3
      output.pop()
    } else if (rest('/.') || rest('/..')) {
      if (rest('/..')) output.pop()
      output.push('/')
      i = path.length
    } else if (rest('.') || rest('..')) i = path.length
    else if (path.startsWith('//', i)) i += 1
    else {
      const end = path.indexOf('/', i + 1)
      const next = end === -1 ? path.length : end
      output.push(path.slice(i, next))
      i = next
    }
  }
  return output.join('')
}
