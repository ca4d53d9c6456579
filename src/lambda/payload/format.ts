// One payload format per event shape; each turns a client request into the JSON the
// function receives. The route's config picks one (reference §2.2).

import type { LambdaRequest } from '../request.ts'

export interface PayloadFormat {
  build(request: LambdaRequest): Promise<string>
}
