// An authentication plugin's `realm` goes into WWW-Authenticate on every 401: one a server
// cannot send would turn each of them into a 500, so it is refused when the config loads (Kong takes any).

import { invalidCharacter, isFieldValue } from '../../http/field-syntax.ts'

export const checkRealm = (realm: string) => (isFieldValue(realm) ? undefined : `the header value cannot be sent: ${invalidCharacter(realm, isFieldValue)}`)
