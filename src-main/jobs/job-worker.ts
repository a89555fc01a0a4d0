/** Child-process entry for long jobs; the job protocol is defined in `protocol.ts`. */
process.parentPort?.once?.('message', () => undefined)
