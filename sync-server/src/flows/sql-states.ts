import { ACTIVE_STATES, CLAIMABLE_STATES, TERMINAL_STATES } from '@loupe/flows'

/** `('A', 'B')` for `state IN …`: state names are fixed identifiers, so quoting them is safe. */
const sqlList = (states: readonly string[]) => `(${states.map((s) => `'${s}'`).join(', ')})`

/** The engine's claimable, active and terminal states, as SQL lists both flow stores use. */
export const CLAIMABLE = sqlList(CLAIMABLE_STATES)
export const ACTIVE = sqlList(ACTIVE_STATES)
export const TERMINAL = sqlList([...TERMINAL_STATES])
