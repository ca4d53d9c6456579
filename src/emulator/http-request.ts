// Reading a request: its headers as SigV4 sees them, and its body without ever holding more
// than the operation allows.

import { Buffer } from 'node:buffer'
import type { IncomingMessage } from 'node:http'
import type { ReceivedHeaders } from './sigv4.ts'

/** Lower-case names, values as received; repeated headers joined with "," as SigV4 does. */
export function collectHeaders(req: IncomingMessage): ReceivedHeaders {
  const headers: ReceivedHeaders = {}
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase()
    const value = req.rawHeaders[i + 1]
    headers[name] = Object.hasOwn(headers, name) ? `${headers[name]},${value}` : value
  }
  return headers
}

export const declaredLength = (req: IncomingMessage): number => Number(req.headers['content-length'])

type BodyRead = { body: Buffer } | { tooLarge: number }

/** Reads at most `limit` bytes: refused on Content-Length before reading, or as soon as the count passes it. */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  const declared = declaredLength(req)
  if (declared > limit) return Promise.resolve({ tooLarge: declared })
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const stop = () => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      req.off('close', onClose)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) {
        chunks.push(chunk)
        return
      }
      stop()
      chunks.length = 0
      resolve({ tooLarge: size })
    }
    const onEnd = () => {
      stop()
      resolve({ body: Buffer.concat(chunks, size) })
    }
    const onError = (error: Error) => {
      stop()
      reject(error)
    }
    const onClose = () => {
      stop()
      reject(new Error('request closed before its body was read'))
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('close', onClose)
  })
}
