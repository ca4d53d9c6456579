// A function that failed (it threw, timed out or ran out of memory inside Lambda): the Invoke
// API says so with X-Amz-Function-Error (Unhandled, or Handled for an error the runtime
// reported), InvokeWithResponseStream with InvokeComplete's ErrorCode. What the function said
// (its error type and message, which can name ARNs, paths or data) goes to the log only.

import { bytesToText } from '../../../encoding/base64.ts'
import type { InvokeResult } from '../invoke.ts'

/** How much of the function's error report a log line keeps. */
const MAX_DETAIL = 1000

export class FunctionError extends Error {
  /** X-Amz-Function-Error: Unhandled, which `unhandled_status` answers in Kong. */
  readonly unhandled: boolean
  constructor(detail: string, unhandled: boolean) {
    super(`the function failed: ${detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL)}…` : detail}`)
    this.name = 'FunctionError'
    this.unhandled = unhandled
  }
}

/** The failure an Invoke answer reports, or undefined when the function succeeded. */
export function functionFailure(result: InvokeResult): FunctionError | undefined {
  const kind = result.headers.get('x-amz-function-error')
  if (!kind) return undefined
  return new FunctionError(`X-Amz-Function-Error ${kind}: ${errorReport(result.body)}`, kind === 'Unhandled')
}

/** `errorType: errorMessage` of the runtime's error payload, else the payload's start. */
function errorReport(body: Uint8Array): string {
  const text = bytesToText(body)
  try {
    const { errorType, errorMessage } = JSON.parse(text) as Record<string, unknown>
    if (typeof errorMessage === 'string') return typeof errorType === 'string' ? `${errorType}: ${errorMessage}` : errorMessage
  } catch {
    // Not the runtime's JSON report: the raw start says more than nothing.
  }
  return text.slice(0, MAX_DETAIL) || 'no details'
}
