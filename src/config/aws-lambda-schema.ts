// The `aws-lambda` plugin's `config`: Kong's field names, types, defaults and checks
// (reference §1.1), plus the fields that are ours. The configuration reference is generated
// from this table, so a field cannot exist without its documentation.

import { checkRoleSessionName } from '../credentials/sts.ts'
import { checkHost, checkHttpUrl, checkRegion, checkUrl, type Schema } from './schema.ts'

/** AWS's FunctionName pattern (name, partial ARN or full ARN, optional `:version`/`:alias`). */
const FUNCTION_NAME =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/

function checkFunctionName(value: string): string | undefined {
  if (value.length > 170) return 'length must be at most 170'
  if (!FUNCTION_NAME.test(value)) {
    return 'must be a function name, a partial or full function ARN, optionally with :version or :alias'
  }
  return undefined
}

/** An IAM role ARN, as STS's RoleArn must be (any partition). */
function checkRoleArn(value: string): string | undefined {
  return /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/.test(value) ? undefined : 'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)'
}

function checkPositive(value: number): string | undefined {
  return value > 0 ? undefined : 'value must be greater than 0'
}

export const awsLambdaSchema = {
  function_name: {
    type: 'string', required: true, check: checkFunctionName,
    doc: 'Function to invoke: name, partial ARN or full ARN, optionally with `:version`/`:alias`. Required here (Kong only fails at request time).',
  },
  qualifier: {
    type: 'string', maxLength: 128,
    doc: 'Version or alias to invoke, sent as the `Qualifier` query parameter.',
  },
  aws_region: {
    type: 'string', check: checkRegion,
    doc: 'Region used for signing and for the default host `lambda.<region>.amazonaws.com`. Falls back to `AWS_REGION`, then `AWS_DEFAULT_REGION`.',
  },
  host: {
    type: 'string', check: checkHost,
    doc: 'Lambda endpoint host instead of `lambda.<region>.amazonaws.com` (requests are still signed for the region).',
  },
  port: {
    type: 'integer', default: 443, between: [0, 65535],
    doc: 'Endpoint port. Not changed by `disable_https`.',
  },
  disable_https: {
    type: 'boolean', default: false,
    doc: 'Call the endpoint over plain HTTP (local emulators such as SAM local).',
  },
  timeout: {
    type: 'number', default: 60000, required: true, check: checkPositive,
    doc: 'Milliseconds the whole Invoke call (connect, send, response) may take before it is aborted.',
  },
  keepalive: {
    type: 'number', default: 60000, required: true,
    doc: 'Kong: idle time of pooled connections in ms. Accepted; connection pooling is the runtime\'s.',
    ignored: true,
  },
  aws_key: {
    type: 'string', referenceable: true,
    doc: 'Access key id. With `aws_secret`, the highest-priority credentials. Vault references allowed.',
  },
  aws_secret: {
    type: 'string', referenceable: true,
    doc: 'Secret access key. Vault references allowed.',
  },
  aws_assume_role_arn: {
    type: 'string', referenceable: true, check: checkRoleArn,
    doc: 'Role to assume with STS `AssumeRole` on top of the credentials found (config keys, environment, file, container, web identity or instance metadata). Vault references allowed.',
  },
  aws_role_session_name: {
    type: 'string', default: 'kong', check: checkRoleSessionName,
    doc: '`RoleSessionName` for `AssumeRole`.',
  },
  aws_sts_endpoint_url: {
    type: 'string', check: checkHttpUrl,
    doc: 'STS endpoint for `AssumeRole`, used as given (scheme, host, port, path). Default: `AWS_ENDPOINT_URL_STS`, else `https://sts.<region>.amazonaws.com` (`https://sts.amazonaws.com` with `AWS_STS_REGIONAL_ENDPOINTS=legacy`).',
  },
  aws_imds_protocol_version: {
    type: 'string', default: 'v1', required: true, oneOf: ['v1', 'v2'],
    doc: 'EC2 instance metadata (Node/Deno): `v1` tries IMDSv2 first and falls back to IMDSv1; `v2` uses IMDSv2 only.',
  },
  invocation_type: {
    type: 'string', default: 'RequestResponse', required: true, oneOf: ['RequestResponse', 'Event', 'DryRun'],
    doc: 'Sent as `X-Amz-Invocation-Type`.',
  },
  log_type: {
    type: 'string', default: 'Tail', required: true, oneOf: ['Tail', 'None'],
    doc: 'Sent as `X-Amz-Log-Type`. The returned log tail is logged at debug level, never sent to clients.',
  },
  unhandled_status: {
    type: 'integer', between: [100, 999],
    doc: 'Status to answer with when the function raised an unhandled error (`X-Amz-Function-Error: Unhandled`), without proxy integration.',
  },
  forward_request_method: {
    type: 'boolean', default: false,
    doc: 'Add `request_method` to the payload.',
  },
  forward_request_uri: {
    type: 'boolean', default: false,
    doc: 'Add `request_uri` and `request_uri_args` to the payload.',
  },
  forward_request_headers: {
    type: 'boolean', default: false,
    doc: 'Add `request_headers` to the payload.',
  },
  forward_request_body: {
    type: 'boolean', default: false,
    doc: 'Add `request_body`, `request_body_args` and, for base64-encoded bodies, `request_body_base64` to the payload.',
  },
  is_proxy_integration: {
    type: 'boolean', default: false,
    doc: 'Read the function\'s result as an API Gateway proxy response (`statusCode`, `headers`, `multiValueHeaders`, `body`, `isBase64Encoded`).',
  },
  awsgateway_compatible: {
    type: 'boolean', default: false,
    doc: 'Send an API Gateway event instead of the Kong payload.',
  },
  awsgateway_compatible_payload_version: {
    type: 'string', default: '1.0', oneOf: ['1.0', '2.0'],
    doc: 'API Gateway event version: `1.0` (REST API) or `2.0` (HTTP API).',
  },
  proxy_url: {
    type: 'string', check: checkUrl,
    doc: 'HTTP forward proxy for the Lambda and STS calls (CONNECT for https); never for metadata endpoints. Must be `http://`. Node/Deno only: a config error on Workers.',
  },
  skip_large_bodies: {
    type: 'boolean', default: true,
    doc: 'In forward-body and API Gateway modes, drop request bodies larger than the client body buffer (default 8 KiB) and log an error.',
  },
  base64_encode_body: {
    type: 'boolean', default: true,
    doc: 'Base64-encode request bodies of unknown content types (forward mode) and every body in API Gateway mode.',
  },
  empty_arrays_mode: {
    type: 'string', default: 'legacy', required: true, oneOf: ['legacy', 'correct'],
    doc: '`legacy` turns empty JSON arrays in function results into `{}` (Kong\'s old behaviour); `correct` keeps them.',
  },
  ssl_verify: {
    type: 'boolean', default: true,
    doc: 'Verify the TLS certificates of the Lambda and STS endpoints. `false` (self-signed endpoints such as LocalStack) is Node/Deno only: a config error on Workers.',
  },
  preserve_lambda_api_error_code: {
    type: 'boolean', default: false,
    doc: 'When the Invoke API rejects a call (status >= 400), answer with its status instead of 500; the body is always sanitised.',
  },
} as const satisfies Schema

/** The validated plugin config: every field with its default, vault references resolved. */
export interface AwsLambdaConfig {
  function_name: string
  qualifier?: string
  aws_region?: string
  host?: string
  port: number
  disable_https: boolean
  timeout: number
  keepalive: number
  aws_key?: string
  aws_secret?: string
  aws_assume_role_arn?: string
  aws_role_session_name: string
  aws_sts_endpoint_url?: string
  aws_imds_protocol_version: 'v1' | 'v2'
  invocation_type: 'RequestResponse' | 'Event' | 'DryRun'
  log_type: 'Tail' | 'None'
  unhandled_status?: number
  forward_request_method: boolean
  forward_request_uri: boolean
  forward_request_headers: boolean
  forward_request_body: boolean
  is_proxy_integration: boolean
  awsgateway_compatible: boolean
  awsgateway_compatible_payload_version: '1.0' | '2.0'
  proxy_url?: string
  skip_large_bodies: boolean
  base64_encode_body: boolean
  empty_arrays_mode: 'legacy' | 'correct'
  ssl_verify: boolean
  preserve_lambda_api_error_code: boolean
}

/** Kong's entity checks. */
export function checkAwsLambdaEntity(config: Partial<AwsLambdaConfig>): string[] {
  const problems: string[] = []
  if ((config.aws_key === undefined) !== (config.aws_secret === undefined)) {
    problems.push("all or none of these fields must be set: 'config.aws_key', 'config.aws_secret'")
  }
  if (config.proxy_url !== undefined && !config.proxy_url.startsWith('http://')) {
    problems.push('proxy_url scheme must be http')
  }
  return problems
}
