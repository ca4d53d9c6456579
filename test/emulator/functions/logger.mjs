// Logs through each console method (or `count` long lines), then returns.
export async function handler(event) {
  if (event.count) {
    for (let i = 0; i < event.count; i++) console.log(`line ${i} ${'x'.repeat(80)}`)
    return { logged: event.count }
  }
  console.log('log line', { n: 1 })
  console.info('info line')
  console.warn('warn line')
  console.error('error line')
  return 'logged'
}
