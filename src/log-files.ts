// Files the file-log plugin appends to, where the runtime has a file system (Node, Deno): the
// runtime entry supplies them, the Worker has none.

export interface LogFiles {
  /**
   * The file at `path`, created when missing (mode 0644) and only ever appended to. Kept open
   * for every instance that names it; `reopen`: opened and closed for each line instead, so a
   * file moved away (rotated) is made again.
   */
  open(path: string, reopen: boolean): LogFile
  /** Why `path` cannot be written to, known at load (Deno: a permission the process lacks). */
  problem?(path: string): string | undefined
}

export interface LogFile {
  /** Appends `line` after the lines appended before it; rejects with why the file could not be opened or written. */
  append(line: string): Promise<void>
}
