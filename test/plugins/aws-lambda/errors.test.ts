// What the log says when the Invoke API refuses a call (awsErrorReason): AWS's JSON message as
// Kong logs it, else the error type and message from the headers or an XML body, else a short
// excerpt of the body — never nothing, so that a bad signature and AccessDenied differ.

import { describe, expect, it } from 'vitest'
import { awsErrorReason } from '../../../src/plugins/aws-lambda/errors.ts'

const reason = (body: string, headers: Record<string, string> = {}) => awsErrorReason(new Headers(headers), new TextEncoder().encode(body))
const SIGNATURE_TYPE = { 'x-amzn-errortype': 'InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/' }

describe('awsErrorReason', () => {
  it("a JSON body's Message or message, as Kong logs it (the type is not added)", () => {
    expect(reason('{"Type":"User","Message":"Function not found: arn:x"}', { 'x-amzn-errortype': 'ResourceNotFoundException' })).toBe(
      'Function not found: arn:x',
    )
    expect(reason('{"message":"The security token included in the request is invalid."}')).toBe('The security token included in the request is invalid.')
  })

  it('X-Amzn-ErrorType up to its first ":" when the body says nothing (empty, or JSON without a message)', () => {
    expect(reason('', SIGNATURE_TYPE)).toBe('InvalidSignatureException')
    expect(reason('{"Type":"User"}', { 'x-amzn-errortype': 'AccessDeniedException' })).toBe('AccessDeniedException')
  })

  it("an XML body's Code and Message; the header's type wins over Code", () => {
    const xml =
      '<?xml version="1.0"?>\n<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\n<Message>User: arn:aws:iam::1:user/a is not\nauthorized &amp; more</Message></Error></ErrorResponse>'
    expect(reason(xml)).toBe('AccessDenied: User: arn:aws:iam::1:user/a is not authorized & more')
    expect(reason(xml, SIGNATURE_TYPE)).toBe('InvalidSignatureException: User: arn:aws:iam::1:user/a is not authorized & more')
    expect(reason('<Error><Code>SignatureDoesNotMatch</Code></Error>')).toBe('SignatureDoesNotMatch')
  })

  it('else an excerpt of the body: one line, control characters gone, at most 200 characters', () => {
    expect(reason('<html>\r\n<head><title>403 Forbidden</title></head>\r\n\t<body>\x00\x1b[31mno\u2028</body></html>\r\n')).toBe(
      'body: <html> <head><title>403 Forbidden</title></head> <body> [31mno </body></html>',
    )
    const long = reason(`${'a'.repeat(300)}\nsecond line`)
    expect(long).toBe(`body: ${'a'.repeat(200)}…`)
  })

  it('an empty body with no type says so; a body that is not text is shown as what it decodes to', () => {
    expect(reason('')).toBe('empty body')
    expect(reason(' \r\n ')).toBe('empty body')
    expect(awsErrorReason(new Headers(), new Uint8Array([0xff, 0xfe, 0x41]))).toBe('body: \ufffd\ufffdA')
  })

  it('bounds every part: a message of megabytes is cut', () => {
    expect(reason(JSON.stringify({ message: 'm'.repeat(5000) }))).toBe(`${'m'.repeat(1000)}…`)
    expect(reason(`<Error><Code>C</Code><Message>${'x'.repeat(5000)}</Message></Error>`)).toBe(`C: ${'x'.repeat(1000)}…`)
  })
})
