/// <reference lib="webworker" />
import { FormatsHost } from './formats-host'
import type { PageMessage } from './formats-protocol'

/**
 * Dataset import and export off the main thread (protocol: formats-protocol.ts): unzip, detect,
 * read and plan an import; build the dataset, write a format and zip an export.
 */
declare const self: DedicatedWorkerGlobalScope

const host = new FormatsHost((message, transfer) => self.postMessage(message, transfer ?? []))

self.onmessage = (event: MessageEvent<PageMessage>) => host.handle(event.data)
