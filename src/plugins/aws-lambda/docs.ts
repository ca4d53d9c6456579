// What each field of the aws-lambda plugin's config means, for the README's field table (`npm run docs`):
// apart from the schema, so that the Worker bundle carries no prose.

import type { FieldDocs } from '../../model/schema.ts'
import type { awsLambdaSchema } from './schema.ts'

export const fieldDocs: FieldDocs<typeof awsLambdaSchema> = {
  function_name: "Name, partial or full ARN, optional `:version`/`:alias`; checked against AWS's pattern at load time.",
  qualifier: '`Qualifier` query parameter (≤ 128 chars).',
  aws_region:
    'Signing region and default host `lambda.<region>.amazonaws.com`; else `AWS_REGION`, then `AWS_DEFAULT_REGION`; none at all → every request 500 (logged `no region specified`, as Kong logs it).',
  host: 'Endpoint host (name or IP address, IPv6 bare or in brackets) instead of `lambda.<region>.amazonaws.com`; still signed for the region.',
  port: 'Endpoint port; not changed by `disable_https`.',
  disable_https: 'Plain HTTP to the endpoint.',
  timeout: 'Milliseconds for the whole Invoke call; then it is aborted (fractions round up; at most 2147483647, what timers take).',
  keepalive: "Kong: idle time of pooled connections. Accepted, no effect: connection pooling is the runtime's.",
  aws_key: 'Access key id; with `aws_secret` (both or neither), the highest-priority credentials. Vault references allowed.',
  aws_secret: 'Secret access key. Vault references allowed.',
  aws_assume_role_arn: 'An IAM role ARN: STS `AssumeRole` on top of whatever credentials were found (see Credentials in the README); vault references allowed.',
  aws_role_session_name: '`RoleSessionName` (2–64 of letters, digits, `_+=,.@-`).',
  aws_sts_endpoint_url: 'STS endpoint for `AssumeRole`, used as given (scheme, host, port, path).',
  aws_imds_protocol_version: 'EC2 instance metadata (Node/Deno): `v1` tries IMDSv2 and falls back to IMDSv1; `v2` is IMDSv2 only.',
  invocation_type: '`X-Amz-Invocation-Type`.',
  log_type: '`X-Amz-Log-Type`; the tail is logged at debug, never sent to clients.',
  unhandled_status: 'Status for `X-Amz-Function-Error: Unhandled` (non-proxy mode); a status outside 200–599 cannot be sent and answers 500.',
  forward_request_method: 'Add `request_method` to the payload.',
  forward_request_uri: 'Add `request_uri` and `request_uri_args` to the payload.',
  forward_request_headers: 'Add `request_headers` to the payload.',
  forward_request_body: 'Add `request_body`, `request_body_args` and, for base64-encoded bodies, `request_body_base64` to the payload.',
  is_proxy_integration: 'Read the result as an API Gateway proxy response (with the 2.0 rules on payload 2.0 routes).',
  awsgateway_compatible: 'Send an API Gateway event, as AWS sends it (see Behaviour in the README).',
  awsgateway_compatible_payload_version: '`1.0`: REST API event; `2.0`: HTTP API event (Kong EE 3.12).',
  proxy_url:
    "`http://` forward proxy (Kong's check) for the Lambda and STS calls: CONNECT for https, absolute-form for http; never for metadata endpoints. Node/Deno; a config error on Workers.",
  skip_large_bodies: 'Drop bodies over `CLIENT_BODY_BUFFER_SIZE` in forward-body mode and API Gateway events, with an error log.',
  base64_encode_body:
    'Forward-body mode: base64 bodies of unknown type; API Gateway events: base64 every non-empty body (`isBase64Encoded: true`), else send it as text.',
  empty_arrays_mode: '`legacy` turns `[]` in JSON results into `{}`.',
  ssl_verify:
    "Verify the Lambda and STS endpoints' certificates; `false` (LocalStack, self-signed endpoints) on Node/Deno logs a warning at start; a config error on Workers.",
  preserve_lambda_api_error_code: 'Invoke API errors keep their status (4xx/5xx); a timeout is 504, a connection failure 502.',
  response_streaming:
    "Ours, not Kong's: call `InvokeWithResponseStream` and send the function's output as it is written (see Response streaming in the README); `RequestResponse` only. `timeout` is then the longest wait for the answer to start and for each read from Lambda.",
}
