export { Relay, DEFAULT_RELAY_SETTINGS } from './relay'
export type { RelayOptions, RelaySettings } from './relay'
export type { RoomAccess } from './room-access'
