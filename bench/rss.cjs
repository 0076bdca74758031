// Preloaded into each measured process in the memory pass: reports its peak RSS on fd 3.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { writeSync } = require('node:fs')
process.on('exit', () => writeSync(3, `${process.resourceUsage().maxRSS}\n`))
