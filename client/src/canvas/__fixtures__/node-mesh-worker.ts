// The mesh worker's code (as chunk-mesh.worker.ts runs it in the browser) in a Node worker
// thread, for tests: Node has no Web Worker, but its threads share memory the same way.

import { parentPort } from 'node:worker_threads'
import { MESH_WORKER_READY, serveMeshJob, type MeshJob } from '../mesh-share'

parentPort!.on('message', (job: MeshJob) => serveMeshJob(job))
parentPort!.postMessage(MESH_WORKER_READY)
