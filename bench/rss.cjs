// Preloaded into each measured process in the memory pass: reports its peak RSS on fd 3.
const { writeSync } = require('node:fs')
process.on('exit', () => {
  try {
    writeSync(3, `${process.resourceUsage().maxRSS}\n`)
  } catch {}
})
