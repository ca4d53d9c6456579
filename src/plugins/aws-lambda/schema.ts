// The `aws-lambda` plugin's `config`: Kong's field names, types, defaults and checks
// (docs/aws-lambda-plugin.md#configuration-fields), plus the fields that are ours. The README's field
// table is generated from this one (`npm run docs`; a test fails when they differ), so no field
// goes undocumented.

import { checkRoleSessionName } from '../../credentials/sts.ts'
import { checkHost, checkHttpUrl, checkRegion, checkUrl, type Schema, type Validated } from '../../model/schema.ts'

/** AWS's FunctionName pattern (name, partial ARN or full ARN, optional `:version`/`:alias`). */
const FUNCTION_NAME = /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/

function checkFunctionName(value: string): string | undefined {
  if (value.length > 170) return 'length must be at most 170'
  if (!FUNCTION_NAME.test(value)) {
    return 'must be a function name, a partial or full function ARN, optionally with :version or :alias'
  }
  return undefined
}

/** An IAM role ARN, as STS's RoleArn must be (any partition). */
function checkRoleArn(value: string): string | undefined {
  return /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/.test(value) ? undefined : 'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)'
}

function checkPositive(value: number): string | undefined {
  return value > 0 ? undefined : 'value must be greater than 0'
}

export const awsLambdaSchema = {
  function_name: {
    type: 'string',
    required: true,
    check: checkFunctionName,
    doc: "Name, partial or full ARN, optional `:version`/`:alias`; checked against AWS's pattern at load time.",
  },
  qualifier: {
    type: 'string',
    maxLength: 128,
    doc: '`Qualifier` query parameter (≤ 128 chars).',
  },
  aws_region: {
    type: 'string',
    check: checkRegion,
    doc: 'Signing region and default host `lambda.<region>.amazonaws.com`; else `AWS_REGION`, then `AWS_DEFAULT_REGION`; none at all → every request 500 (logged `no region or host specified`).',
  },
  host: {
    type: 'string',
    check: checkHost,
    doc: 'Endpoint host (name or IP address, IPv6 bare or in brackets) instead of `lambda.<region>.amazonaws.com`; still signed for the region.',
  },
  port: {
    type: 'integer',
    default: 443,
    between: [0, 65535],
    doc: 'Endpoint port; not changed by `disable_https`.',
  },
  disable_https: {
    type: 'boolean',
    default: false,
    doc: 'Plain HTTP to the endpoint.',
  },
  timeout: {
    type: 'number',
    default: 60000,
    required: true,
    check: checkPositive,
    doc: 'Milliseconds for the whole Invoke call; then it is aborted (fractions round up; at most 2147483647, what timers take).',
  },
  keepalive: {
    type: 'number',
    default: 60000,
    required: true,
    doc: "Kong: idle time of pooled connections. Accepted, no effect: connection pooling is the runtime's.",
    ignored: true,
  },
  aws_key: {
    type: 'string',
    referenceable: true,
    doc: 'Access key id; with `aws_secret` (both or neither), the highest-priority credentials. Vault references allowed.',
  },
  aws_secret: {
    type: 'string',
    referenceable: true,
    doc: 'Secret access key. Vault references allowed.',
  },
  aws_assume_role_arn: {
    type: 'string',
    referenceable: true,
    check: checkRoleArn,
    doc: 'An IAM role ARN: STS `AssumeRole` on top of whatever credentials were found (see Credentials in the README); vault references allowed.',
  },
  aws_role_session_name: {
    type: 'string',
    default: 'kong',
    check: checkRoleSessionName,
    doc: '`RoleSessionName` (2–64 of letters, digits, `_+=,.@-`).',
  },
  aws_sts_endpoint_url: {
    type: 'string',
    check: checkHttpUrl,
    doc: 'STS endpoint for `AssumeRole`, used as given (scheme, host, port, path).',
  },
  aws_imds_protocol_version: {
    type: 'string',
    default: 'v1',
    required: true,
    oneOf: ['v1', 'v2'],
    doc: 'EC2 instance metadata (Node/Deno): `v1` tries IMDSv2 and falls back to IMDSv1; `v2` is IMDSv2 only.',
  },
  invocation_type: {
    type: 'string',
    default: 'RequestResponse',
    required: true,
    oneOf: ['RequestResponse', 'Event', 'DryRun'],
    doc: '`X-Amz-Invocation-Type`.',
  },
  log_type: {
    type: 'string',
    default: 'Tail',
    required: true,
    oneOf: ['Tail', 'None'],
    doc: '`X-Amz-Log-Type`; the tail is logged at debug, never sent to clients.',
  },
  unhandled_status: {
    type: 'integer',
    between: [100, 999],
    doc: 'Status for `X-Amz-Function-Error: Unhandled` (non-proxy mode); a status outside 200–599 cannot be sent and answers 500.',
  },
  forward_request_method: {
    type: 'boolean',
    default: false,
    doc: 'Add `request_method` to the payload.',
  },
  forward_request_uri: {
    type: 'boolean',
    default: false,
    doc: 'Add `request_uri` and `request_uri_args` to the payload.',
  },
  forward_request_headers: {
    type: 'boolean',
    default: false,
    doc: 'Add `request_headers` to the payload.',
  },
  forward_request_body: {
    type: 'boolean',
    default: false,
    doc: 'Add `request_body`, `request_body_args` and, for base64-encoded bodies, `request_body_base64` to the payload.',
  },
  is_proxy_integration: {
    type: 'boolean',
    default: false,
    doc: 'Read the result as an API Gateway proxy response (with the 2.0 rules on payload 2.0 routes).',
  },
  awsgateway_compatible: {
    type: 'boolean',
    default: false,
    doc: 'Send an API Gateway event, as AWS sends it (see Behaviour in the README).',
  },
  awsgateway_compatible_payload_version: {
    type: 'string',
    default: '1.0',
    oneOf: ['1.0', '2.0'],
    doc: '`1.0`: REST API event; `2.0`: HTTP API event (Kong EE 3.12).',
  },
  proxy_url: {
    type: 'string',
    check: checkUrl,
    doc: "`http://` forward proxy (Kong's check) for the Lambda and STS calls: CONNECT for https, absolute-form for http; never for metadata endpoints. Node/Deno; a config error on Workers.",
  },
  skip_large_bodies: {
    type: 'boolean',
    default: true,
    doc: 'Drop bodies over `CLIENT_BODY_BUFFER_SIZE` in forward-body mode and API Gateway events, with an error log.',
  },
  base64_encode_body: {
    type: 'boolean',
    default: true,
    doc: 'Forward-body mode: base64 bodies of unknown type; API Gateway events: base64 every non-empty body (`isBase64Encoded: true`), else send it as text.',
  },
  empty_arrays_mode: {
    type: 'string',
    default: 'legacy',
    required: true,
    oneOf: ['legacy', 'correct'],
    doc: '`legacy` turns `[]` in JSON results into `{}`.',
  },
  ssl_verify: {
    type: 'boolean',
    default: true,
    doc: "Verify the Lambda and STS endpoints' certificates; `false` (LocalStack, self-signed endpoints) on Node/Deno logs a warning at start; a config error on Workers.",
  },
  preserve_lambda_api_error_code: {
    type: 'boolean',
    default: false,
    doc: 'Invoke API errors keep their status (4xx/5xx); a timeout is 504, a connection failure 502.',
  },
  response_streaming: {
    type: 'boolean',
    default: false,
    doc: "Ours, not Kong's: call `InvokeWithResponseStream` and send the function's output as it is written (see Response streaming in the README); `RequestResponse` only. `timeout` is then the longest wait for the answer to start and for each read from Lambda.",
  },
} as const satisfies Schema

/** The validated plugin config: every field with its default, vault references resolved. */
export type AwsLambdaConfig = Validated<typeof awsLambdaSchema>

/** Kong's entity checks. */
export function checkAwsLambdaEntity(config: Partial<AwsLambdaConfig>): string[] {
  const problems: string[] = []
  if ((config.aws_key === undefined) !== (config.aws_secret === undefined)) {
    problems.push("all or none of these fields must be set: 'config.aws_key', 'config.aws_secret'")
  }
  if (config.proxy_url !== undefined && !config.proxy_url.startsWith('http://')) {
    problems.push('proxy_url scheme must be http')
  }
  if (config.response_streaming && config.invocation_type !== undefined && config.invocation_type !== 'RequestResponse') {
    problems.push(`response_streaming needs invocation_type RequestResponse (${config.invocation_type} invocations return no response to stream)`)
  }
  return problems
}
