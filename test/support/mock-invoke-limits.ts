// The mock Lambda's functions for Invoke API errors whose body is not JSON (hardening issue,
// item 9): XML from some endpoints, an HTML error page, an empty body with only X-Amzn-ErrorType.

interface LimitsReply {
  status: number
  headers: Record<string, string>
  body?: string
}

/** The reply of one of this file's Invoke functions, else undefined. */
export function invokeLimitsReply(name: string): LimitsReply | undefined {
  const xml = /xmlError(\d{3})/.exec(name)
  if (xml) {
    return {
      status: Number(xml[1]),
      headers: { 'Content-Type': 'text/xml' },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">\n  <Error>\n    <Type>Sender</Type>\n    <Code>AccessDenied</Code>\n    <Message>User: arn:aws:iam::123456789012:user/gateway is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:secretFunctionName</Message>\n  </Error>\n  <RequestId>c0ffee00-0000-4000-8000-000000000000</RequestId>\n</ErrorResponse>\n`,
    }
  }
  const html = /htmlError(\d{3})/.exec(name)
  if (html) {
    return {
      status: Number(html[1]),
      headers: { 'Content-Type': 'text/html' },
      body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n',
    }
  }
  const empty = /emptyError(\d{3})/.exec(name)
  if (empty) {
    return { status: Number(empty[1]), headers: { 'x-amzn-ErrorType': 'InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/' } }
  }
  return undefined
}
