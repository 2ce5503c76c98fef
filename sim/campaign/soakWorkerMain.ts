// A soak worker thread: runs its slice of the sessions and posts each outcome to the main thread.

import { parentPort, workerData } from "node:worker_threads"
import { runSoakSlice, SoakSlice } from "./soakSessions"

const slice = workerData as SoakSlice
runSoakSlice(slice, o => parentPort!.postMessage(o))
