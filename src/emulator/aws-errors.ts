// The Lambda API's error replies (docs/aws-protocols.md#invoke-errors): the code in
// x-amzn-ErrorType, a JSON body whose keys (Type, message or Message) differ per error as AWS's do.

import { jsonReply, type Reply } from './http-reply.ts'
import type { AuthFailure } from './sigv4.ts'

export function apiError(status: number, type: string, body: Record<string, string>): Reply {
  return jsonReply(status, body, { 'x-amzn-ErrorType': type })
}

export const userError = (status: number, type: string, message: string): Reply => apiError(status, type, { Type: 'User', message })

export const authError = ({ status, type, message }: AuthFailure): Reply => apiError(status, type, { message })

export const serviceError = (): Reply => apiError(500, 'ServiceException', { Type: 'Service', Message: 'An internal error occurred in the emulator.' })

/** The message of AWS's request validation (one parameter, one constraint). */
export const validationMessage = (value: string, parameter: string, constraint: string): string =>
  `1 validation error detected: Value '${value}' at '${parameter}' failed to satisfy constraint: ${constraint}`

export const enumConstraint = (values: readonly string[]): string => `Member must satisfy enum value set: [${values.join(', ')}]`
