// Small stroke icons for the toolbar and object rows (text glyphs are missing from many fonts).

const PATHS: Record<string, string> = {
  select: 'M5 3l12 8-5 1 3 6-2 1-3-6-4 4z',
  rectangle: 'M4 6h16v12H4z',
  polygon: 'M12 3l8 6-3 11H7L4 9z',
  polyline: 'M3 18l5-8 5 5 8-11',
  points: 'M6 7h.01M17 6h.01M8 17h.01M16 16h.01M12 12h.01',
  ellipse: 'M12 5c5 0 9 3 9 7s-4 7-9 7-9-3-9-7 4-7 9-7z',
  mask: 'M4 20c2 0 4-1 4-3s2-3 3-3 3 1 3 3M14 14l6-10-2-1-7 9',
  eraser: 'M8 20h12M4 16l9-9 6 6-7 7H8z',
  sam: 'M12 3v4M12 17v4M3 12h4M17 12h4M6 6l2 2M16 16l2 2M6 18l2-2M16 8l2-2',
  wand: 'M4 20L15 9M17 3v3M20 6h-3M21 10l-2 1M13 4l1 2M15 9l2 2',
  scissors: 'M6 7a2.5 2.5 0 100-.01M6 17a2.5 2.5 0 100-.01M8 8l12 9M8 16l12-9',
  undo: 'M9 14L4 9l5-5M4 9h10a6 6 0 010 12h-3',
  redo: 'M15 14l5-5-5-5M20 9H10a6 6 0 000 12h3',
  fit: 'M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5',
  keyboard: 'M3 6h18v12H3zM7 10h.01M11 10h.01M15 10h.01M7 14h10',
  eye: 'M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12zM12 9a3 3 0 100 6 3 3 0 000-6z',
  eyeOff:
    'M3 3l18 18M10.6 5.1A10 10 0 0112 5c6 0 10 7 10 7a17 17 0 01-3 3.7M6.6 6.6C3.9 8.3 2 12 2 12s4 7 10 7a9.7 9.7 0 005.4-1.6',
  lock: 'M6 11h12v9H6zM8 11V8a4 4 0 018 0v3',
  unlock: 'M6 11h12v9H6zM8 11V8a4 4 0 017.7-1.5',
  trash: 'M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3',
  skeleton:
    'M12 5h.01M8 10h.01M16 10h.01M9 20h.01M15 20h.01M12 5l-4 5M12 5l4 5M12 5v9M12 14l-3 6M12 14l3 6',
  adjust: 'M12 3a9 9 0 100 18 9 9 0 000-18zM12 3v18M12 7h4M12 11h6M12 15h5',
}

export type IconName = keyof typeof PATHS

export function Icon({ name, size = 18 }: { name: IconName; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={name === 'points' ? 4 : 1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      style={{ display: 'block' }}
    >
      <path d={PATHS[name]} />
    </svg>
  )
}
