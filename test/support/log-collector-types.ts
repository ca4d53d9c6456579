// What the log collector (log-collector.ts) answers, apart so that the cases that read it run
// inside workerd too, where node: modules are not.

export interface LogsSeen {
  /** Sends that arrived, refused ones included. */
  attempts: number
  received: Array<{ method: string; headers: Record<string, string>; body: string }>
}

/** Where the e2e config's file-log route appends (Node and Deno; test/e2e/logs-cases.ts reads it). */
export const FILE_LOG_PATH = '/tmp/lambda-gateway-e2e-file-log.log'
