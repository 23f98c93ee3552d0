// Key chords written as strings ('Mod+Shift+Z'), matched against keyboard events and formatted for
// the help overlay. 'Mod' is Cmd on macOS and Ctrl elsewhere.
export type Platform = 'mac' | 'other'

export interface Chord {
  key: string
  mod: boolean
  ctrl: boolean
  shift: boolean
  alt: boolean
}

/** The parts of a KeyboardEvent the matcher reads (so tests need no DOM). */
export interface KeyLike {
  key: string
  ctrlKey: boolean
  shiftKey: boolean
  altKey: boolean
  metaKey: boolean
}

const MODIFIERS = new Set(['mod', 'ctrl', 'shift', 'alt'])

export function parseChord(text: string): Chord {
  const parts = text.split('+')
  const key = parts.pop()
  if (!key) throw new Error(`key chord "${text}" has no key`)
  const chord: Chord = { key: normaliseKey(key), mod: false, ctrl: false, shift: false, alt: false }
  for (const p of parts) {
    const m = p.toLowerCase()
    if (!MODIFIERS.has(m)) throw new Error(`unknown modifier "${p}" in key chord "${text}"`)
    chord[m as 'mod' | 'ctrl' | 'shift' | 'alt'] = true
  }
  return chord
}

// Letters compare case-insensitively (Shift is checked separately); named keys stay as they are.
function normaliseKey(key: string): string {
  return key.length === 1 ? key.toLowerCase() : key
}

// For symbols Shift is part of the character ('?' is Shift+/ on US layouts, not on others), so only
// letters, digits and named keys insist on the Shift state.
function shiftMatters(key: string): boolean {
  return key.length > 1 || /^[a-z0-9]$/.test(key)
}

export function matchesChord(chord: Chord, ev: KeyLike, platform: Platform): boolean {
  const wantCtrl = chord.ctrl || (chord.mod && platform !== 'mac')
  const wantMeta = chord.mod && platform === 'mac'
  if (ev.ctrlKey !== wantCtrl || ev.metaKey !== wantMeta || ev.altKey !== chord.alt) return false
  if (normaliseKey(ev.key) !== chord.key) return false
  return shiftMatters(chord.key) ? ev.shiftKey === chord.shift : true
}

const MAC_SYMBOLS: Record<string, string> = { mod: '⌘', ctrl: '⌃', shift: '⇧', alt: '⌥' }
const OTHER_NAMES: Record<string, string> = { mod: 'Ctrl', ctrl: 'Ctrl', shift: 'Shift', alt: 'Alt' }
// Keys spelled out where a glyph alone can be misread: the letter O beside the digit 0 (zoom 1:1).
const KEY_NAMES: Record<string, string> = {
  Escape: 'Esc',
  ' ': 'Space',
  Backspace: 'Backspace',
  PageUp: 'Page Up',
  PageDown: 'Page Down',
  o: 'O (letter)',
  '0': '0 (zero)',
}

/** 'Mod+Shift+Z' → '⌘⇧Z' on macOS, 'Ctrl+Shift+Z' elsewhere; 'O' → 'O (letter)', '0' → '0 (zero)'. */
export function formatChord(text: string, platform: Platform): string {
  const c = parseChord(text)
  const key = KEY_NAMES[c.key] ?? (c.key.length === 1 ? c.key.toUpperCase() : c.key)
  // Each platform's usual order: ⌃⌥⇧⌘ on macOS, Ctrl+Alt+Shift elsewhere.
  if (platform === 'mac') return (['ctrl', 'alt', 'shift', 'mod'] as const).filter((m) => c[m]).map((m) => MAC_SYMBOLS[m]).join('') + key
  const mods = (['ctrl', 'mod', 'alt', 'shift'] as const).filter((m) => c[m])
  return [...mods.map((m) => OTHER_NAMES[m]), key].join('+')
}

export function detectPlatform(nav: { platform?: string; userAgent?: string } | undefined): Platform {
  const text = `${nav?.platform ?? ''} ${nav?.userAgent ?? ''}`
  return /Mac|iPhone|iPad|iPod/i.test(text) ? 'mac' : 'other'
}

/** Typing into a text field must not trigger editor shortcuts. */
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as { tagName?: string; type?: string; isContentEditable?: boolean } | null
  if (!el || typeof el.tagName !== 'string') return false
  if (el.isContentEditable) return true
  const tag = el.tagName.toUpperCase()
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true
  return tag === 'INPUT' && !['range', 'checkbox', 'radio', 'button'].includes(el.type ?? 'text')
}
