// Preloaded into the DeviceScript VM process (node --require): exit as soon as the process that
// started it is gone, so a harness or test runner killed with SIGKILL (which runs no cleanup code)
// never leaves a VM behind. A dead parent shows as a changed process.ppid (re-parented to init).
"use strict"
const CHECK_MS = 250
const parent = process.ppid
setInterval(() => {
    if (process.ppid !== parent) process.exit(70)
}, CHECK_MS).unref()
