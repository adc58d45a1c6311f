// Runs dynalite's command line (same arguments), surviving clients that
// abort a request: dynalite 4.0.0 rethrows the request's 'aborted' error,
// which ends the process, while DynamoDB shrugs it off. Clients abort
// requests whenever a context is cancelled mid-call, as when a test stops
// a worker abruptly.
process.on('uncaughtException', function (err) {
  if (err && (err.code === 'ECONNRESET' || err.message === 'aborted')) return
  console.error(err)
  process.exit(1)
})
require('dynalite/cli.js')
