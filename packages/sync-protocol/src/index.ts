export {
  MessageType,
  CloseCode,
  RejectionCode,
  encodeDurableAck,
  readDurableAck,
  encodeRejection,
  readRejection,
} from './messages'
export type { DurableAck, Rejection } from './messages'
export { parseRoomName, projectRoom, jobRoom, isValidId } from './rooms'
export type { RoomName } from './rooms'
export { PendingTracker, summarizeUpdate } from './pending'
export type { PendingSnapshot, UpdateSummary } from './pending'
export { attachPendingTracker } from './pending-provider'
export type {
  AttachPendingOptions,
  ProviderMessageHandler,
  TrackedProvider,
} from './pending-provider'
