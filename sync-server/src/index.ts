export { startServer } from './server'
export type { LoupeServer, StartOptions } from './server'
export { loadConfig } from './config'
export type { LoupeConfig } from './config'
export { TokenService, AuthError, requireProjectRole, roleAtLeast } from './auth/tokens'
export type { Principal, Role, ShareRole } from './auth/tokens'
export { createLogger } from './logger'
export type { Logger } from './logger'
export { openDatabase } from './storage/sqlite'
export type { SqliteDatabase } from './storage/sqlite'
export { SqliteDocumentStore } from './storage/sqlite-documents'
export { SqliteMetaStore } from './storage/sqlite-meta'
export { FileBlobStore } from './storage/file-blobs'
export type { BlobStore, DocumentStore, MetaStore } from './storage/types'
export { Relay } from './relay'
export type { RoomAccess } from './relay/room-access'
export {
  FormatChoiceError,
  ImportExportErrorCode,
  chooseFormat,
  exportDataset,
  fileTreeOf,
  importDataset,
} from './http/import-export'
export type { DatasetDeps, ExportResult, ImportResult } from './http/import-export'
