// The hardening issue's item 9 end to end, on every runtime: the log line of an Invoke API error
// whose body is not JSON, and the sanitised answer the client still gets.

import { API_ERROR_BODY, type Case, type E2E, expectSanitised, get, withLogs } from './harness.ts'

const apiErrorLogged = (t: E2E, logged: string, reason: string, status: number) =>
  t.ok(logged.includes(`"msg":"AWS Lambda API returned error: ${reason}, status code: ${status}"`), `logged with its reason: ${logged}`)

export const invokeLimitsCases: Case[] = [
  {
    name: 'E1 an Invoke API error with an XML body logs its Code and Message; the client gets the sanitised answer',
    async run(t) {
      const [response, logged] = await withLogs(t, () => t.send(get('api-xml.test')))
      await expectSanitised(t, response, 500, API_ERROR_BODY)
      const message =
        'User: arn:aws:iam::123456789012:user/gateway is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:secretFunctionName'
      apiErrorLogged(t, logged, `AccessDenied: ${message}`, 403)
      const [streamed, loggedStreamed] = await withLogs(t, () => t.stream(get('stream-api-xml.test')))
      await expectSanitised(t, streamed, 500, API_ERROR_BODY)
      apiErrorLogged(t, loggedStreamed, `AccessDenied: ${message}`, 403)
    },
  },
  {
    name: 'E2 an Invoke API error with an HTML body logs a one-line excerpt of it',
    async run(t) {
      const [response, logged] = await withLogs(t, () => t.send(get('api-html.preserve.test')))
      await expectSanitised(t, response, 502, API_ERROR_BODY)
      apiErrorLogged(
        t,
        logged,
        'body: <html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</h1></center> </body> </html>',
        502,
      )
    },
  },
  {
    name: 'E3 an Invoke API error with an empty body logs its X-Amzn-ErrorType',
    async run(t) {
      const [response, logged] = await withLogs(t, () => t.send(get('api-empty.test')))
      await expectSanitised(t, response, 500, API_ERROR_BODY)
      apiErrorLogged(t, logged, 'InvalidSignatureException', 403)
    },
  },
]
