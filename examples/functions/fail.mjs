// Throws, as a broken function does: Lambda reports X-Amz-Function-Error: Unhandled.
export const handler = async () => {
  throw new TypeError('something went wrong in the function')
}
