// An authentication plugin's `realm` goes into WWW-Authenticate on every 401: one a server
// cannot send would turn each of them into a 500, so it is refused when the config loads (Kong takes any).

import { unsendableValue } from '../../http/field-syntax.ts'

export const checkRealm = unsendableValue
