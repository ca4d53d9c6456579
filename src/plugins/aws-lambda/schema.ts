// The `aws-lambda` plugin's `config`: Kong's field names, types, defaults and checks
// (docs/aws-lambda-plugin.md#configuration-fields), plus the fields that are ours. The README's field
// table is generated from this one (`npm run docs`; a test fails when they differ), so no field
// goes undocumented.

import { checkRoleSessionName } from '../../credentials/sts.ts'
import { checkHost, checkHttpUrl, checkPositive, checkRegion, checkUrl, type Schema, type Validated } from '../../model/schema.ts'

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

export const awsLambdaSchema = {
  function_name: {
    type: 'string',
    required: true,
    check: checkFunctionName,
  },
  qualifier: {
    type: 'string',
    maxLength: 128,
  },
  aws_region: {
    type: 'string',
    check: checkRegion,
  },
  host: {
    type: 'string',
    check: checkHost,
  },
  port: {
    type: 'integer',
    default: 443,
    between: [0, 65535],
  },
  disable_https: {
    type: 'boolean',
    default: false,
  },
  timeout: {
    type: 'number',
    default: 60000,
    required: true,
    check: checkPositive,
  },
  keepalive: {
    type: 'number',
    default: 60000,
    required: true,
    ignored: true,
  },
  aws_key: {
    type: 'string',
    referenceable: true,
  },
  aws_secret: {
    type: 'string',
    referenceable: true,
  },
  aws_assume_role_arn: {
    type: 'string',
    referenceable: true,
    check: checkRoleArn,
  },
  aws_role_session_name: {
    type: 'string',
    default: 'kong',
    check: checkRoleSessionName,
  },
  aws_sts_endpoint_url: {
    type: 'string',
    check: checkHttpUrl,
  },
  aws_imds_protocol_version: {
    type: 'string',
    default: 'v1',
    required: true,
    oneOf: ['v1', 'v2'],
  },
  invocation_type: {
    type: 'string',
    default: 'RequestResponse',
    required: true,
    oneOf: ['RequestResponse', 'Event', 'DryRun'],
  },
  log_type: {
    type: 'string',
    default: 'Tail',
    required: true,
    oneOf: ['Tail', 'None'],
  },
  unhandled_status: {
    type: 'integer',
    between: [100, 999],
  },
  forward_request_method: {
    type: 'boolean',
    default: false,
  },
  forward_request_uri: {
    type: 'boolean',
    default: false,
  },
  forward_request_headers: {
    type: 'boolean',
    default: false,
  },
  forward_request_body: {
    type: 'boolean',
    default: false,
  },
  is_proxy_integration: {
    type: 'boolean',
    default: false,
  },
  awsgateway_compatible: {
    type: 'boolean',
    default: false,
  },
  awsgateway_compatible_payload_version: {
    type: 'string',
    default: '1.0',
    oneOf: ['1.0', '2.0'],
  },
  proxy_url: {
    type: 'string',
    check: checkUrl,
  },
  skip_large_bodies: {
    type: 'boolean',
    default: true,
  },
  base64_encode_body: {
    type: 'boolean',
    default: true,
  },
  empty_arrays_mode: {
    type: 'string',
    default: 'legacy',
    required: true,
    oneOf: ['legacy', 'correct'],
  },
  ssl_verify: {
    type: 'boolean',
    default: true,
  },
  preserve_lambda_api_error_code: {
    type: 'boolean',
    default: false,
  },
  response_streaming: {
    type: 'boolean',
    default: false,
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
