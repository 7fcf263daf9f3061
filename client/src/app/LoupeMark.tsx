/** The Loupe mark: a magnifier over a dashed selection box (drawn here, no external art). */
export function LoupeMark({ size = 24 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden className="loupe-mark">
      <rect x="6" y="6" width="52" height="52" rx="12" fill="#2a3040" />
      <rect
        x="14"
        y="14"
        width="26"
        height="26"
        rx="2"
        fill="none"
        stroke="#f0b450"
        strokeWidth="2.5"
        strokeDasharray="5 3"
      />
      <circle
        cx="30"
        cy="30"
        r="12"
        fill="rgba(79,124,255,0.25)"
        stroke="#6b90ff"
        strokeWidth="5"
      />
      <path d="M39 39 L50 50" stroke="#6b90ff" strokeWidth="7" strokeLinecap="round" />
    </svg>
  )
}
