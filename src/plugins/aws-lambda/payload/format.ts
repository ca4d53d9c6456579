// One payload format per event shape; each turns a client request into the JSON the
// function receives. The route's config picks one (docs/aws-lambda-plugin.md#payload-formats).

import type { LambdaRequest } from '../lambda-request.ts'

export interface PayloadFormat {
  build(request: LambdaRequest): Promise<string>
}
