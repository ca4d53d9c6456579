// The callback style: (event, context, callback).
export function handler(event, _context, callback) {
  setTimeout(() => (event.fail ? callback(new Error('callback failure')) : callback(null, { via: 'callback', event })), 5)
}
