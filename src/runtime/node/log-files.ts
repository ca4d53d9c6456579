// file-log's files on Node and Deno (its node: compatibility): opened for appending, one
// handle per path kept open (Kong's cached descriptor: a file removed meanwhile is written on,
// unseen), or opened and closed for each line with `reopen`. Lines to one file are written in
// the order they came.

import { type FileHandle, open } from 'node:fs/promises'
import type { LogFile, LogFiles } from '../../log-files.ts'

export function nodeLogFiles(): LogFiles {
  const kept = new Map<string, LogFile>()
  return {
    open(path, reopen) {
      if (reopen) return inOrder((line) => appendOnce(path, line))
      let file = kept.get(path)
      if (file === undefined) {
        file = keptFile(path)
        kept.set(path, file)
      }
      return file
    },
  }
}

/** Opened on its first line; opened again on the next when opening failed (Kong caches a descriptor only once open). */
function keptFile(path: string): LogFile {
  let handle: FileHandle | undefined
  return inOrder(async (line) => {
    handle ??= await openForAppend(path)
    await handle.write(line)
  })
}

async function appendOnce(path: string, line: string): Promise<void> {
  const handle = await openForAppend(path)
  try {
    await handle.write(line)
  } finally {
    await handle.close()
  }
}

/** What the system says of the usual failures, in the words Kong logs (strerror). */
const REASONS: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EISDIR: 'Is a directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
}

/** Rejects with Kong's "failed to open the file: <reason>". */
async function openForAppend(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'a', 0o644)
  } catch (error) {
    const code = (error as { code?: string }).code
    throw new Error(`failed to open the file: ${(code && REASONS[code]) ?? (error as Error).message}`)
  }
}

/** Each line written once the one before it was. */
function inOrder(write: (line: string) => Promise<void>): LogFile {
  let last: Promise<unknown> = Promise.resolve()
  return {
    append(line) {
      const done = last.then(() => write(line))
      last = done.catch(() => {})
      return done
    },
  }
}
