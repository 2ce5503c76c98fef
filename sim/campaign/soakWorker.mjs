// The soak worker's entry: a worker thread starts without the parent's TypeScript loader, so it
// registers tsx itself before loading the worker (soakWorkerMain.ts).
import { register } from "tsx/esm/api"

register()
await import("./soakWorkerMain.ts")
