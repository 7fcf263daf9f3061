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
