/** localStorage, or null where there is none or it is denied (a sandboxed frame, Node). */
export function browserStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null
  }
}
