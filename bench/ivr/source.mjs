// The self-service data source for the IVR bench: an HTTP JSON service on loopback that answers
// every progress query after HOTLINE_BENCH_SOURCE_DELAY_MS (200) milliseconds, like a busy
// back-office system. Usage: node source.mjs PORT. Prints "LISTENING PORT", then on SIGTERM
// "SOURCE requests=N".
import http from 'node:http'

const port = Number(process.argv[2])
const delay = Number(process.env.HOTLINE_BENCH_SOURCE_DELAY_MS ?? 200)
let requests = 0
const server = http.createServer((request, response) => {
  requests += 1
  setTimeout(() => {
    response.writeHead(200, { 'Content-Type': 'application/json' })
    response.end(JSON.stringify({ data: { status: '已办结', date: '2026-12-12' } }))
  }, delay)
})
server.keepAliveTimeout = 1000
server.listen(port, '127.0.0.1', () => console.log(`LISTENING ${port}`))
process.on('SIGTERM', () => {
  console.log(`SOURCE requests=${requests}`)
  server.close(() => process.exit(0))
  setTimeout(() => process.exit(0), 1000).unref()
})
