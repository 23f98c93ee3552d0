// Command key matching (Mod = Ctrl on Linux/Windows, Cmd on macOS) and the generated help list.
import { describe, expect, it } from 'vitest'
import {
  buildCommands,
  detectPlatform,
  findCommand,
  formatChord,
  isTypingTarget,
  parseChord,
  shortcutList,
  type KeyLike,
} from '../../../src/renderer/src/editor/commands'
import { createTools } from '../../../src/renderer/src/editor/tools'

const commands = buildCommands(createTools())

function key(k: string, mods: Partial<KeyLike> = {}): KeyLike {
  return { key: k, ctrlKey: false, shiftKey: false, altKey: false, metaKey: false, ...mods }
}

function idFor(ev: KeyLike, platform: 'mac' | 'other'): string | null {
  return findCommand(commands, ev, platform)?.id ?? null
}

describe('key matching', () => {
  it('Mod+Z is Ctrl+Z on Linux and Cmd+Z on macOS, not the other way round', () => {
    expect(idFor(key('z', { ctrlKey: true }), 'other')).toBe('undo')
    expect(idFor(key('z', { metaKey: true }), 'mac')).toBe('undo')
    expect(idFor(key('z', { metaKey: true }), 'other')).toBeNull()
    expect(idFor(key('z', { ctrlKey: true }), 'mac')).toBeNull()
  })

  it('redo on Shift+Mod+Z (key reported upper-case) and on Mod+Y', () => {
    expect(idFor(key('Z', { ctrlKey: true, shiftKey: true }), 'other')).toBe('redo')
    expect(idFor(key('Z', { metaKey: true, shiftKey: true }), 'mac')).toBe('redo')
    expect(idFor(key('y', { ctrlKey: true }), 'other')).toBe('redo')
  })

  it('plain letters switch tools, digits pick classes, brackets size the brush', () => {
    expect(idFor(key('b'), 'other')).toBe('tool.brush')
    expect(idFor(key('e'), 'other')).toBe('tool.eraser')
    expect(idFor(key('g'), 'other')).toBe('tool.fill')
    expect(idFor(key('p'), 'other')).toBe('tool.polygon')
    expect(idFor(key('2'), 'other')).toBe('class.2')
    expect(idFor(key(']'), 'other')).toBe('brush.larger')
    expect(idFor(key('['), 'other')).toBe('brush.smaller')
    expect(idFor(key('s', { ctrlKey: true }), 'other')).toBe('save')
  })

  it('a letter with an extra modifier does not trigger the plain-letter command', () => {
    expect(idFor(key('b', { ctrlKey: true }), 'other')).toBeNull()
    expect(idFor(key('B', { shiftKey: true }), 'other')).toBeNull()
    expect(idFor(key('z'), 'other')).toBeNull()
  })

  it('symbols typed with Shift still match ("?" is Shift+/ on US keyboards)', () => {
    expect(idFor(key('?', { shiftKey: true }), 'other')).toBe('help')
  })

  it('rejects unknown modifiers and reports the platform from the navigator', () => {
    expect(() => parseChord('Hyper+Z')).toThrow(/unknown modifier/)
    expect(detectPlatform({ platform: 'MacIntel' })).toBe('mac')
    expect(detectPlatform({ platform: 'Linux x86_64', userAgent: 'X11; Linux' })).toBe('other')
  })

  it('ignores keys typed into text fields but not on sliders', () => {
    expect(isTypingTarget({ tagName: 'INPUT', type: 'text' } as unknown as EventTarget)).toBe(true)
    expect(isTypingTarget({ tagName: 'INPUT', type: 'range' } as unknown as EventTarget)).toBe(false)
    expect(isTypingTarget({ tagName: 'DIV', isContentEditable: true } as unknown as EventTarget)).toBe(true)
    expect(isTypingTarget(null)).toBe(false)
  })
})

describe('shortcut help', () => {
  it('formats chords per platform', () => {
    expect(formatChord('Mod+Shift+Z', 'mac')).toBe('⇧⌘Z')
    expect(formatChord('Mod+Shift+Z', 'other')).toBe('Ctrl+Shift+Z')
    expect(formatChord('Escape', 'other')).toBe('Esc')
  })

  it('is generated from the same commands, listing every binding once', () => {
    const list = shortcutList(commands, 'other')
    const ids = list.flatMap((g) => g.items.map((i) => i.id))
    expect([...ids].sort()).toEqual(commands.map((c) => c.id).sort())
    const redo = list.flatMap((g) => g.items).find((i) => i.id === 'redo')!
    expect(redo.keys).toEqual(['Ctrl+Shift+Z', 'Ctrl+Y'])
    expect(list.map((g) => g.group)).toContain('Tools')
  })

  it('lists Clear label in the help, on Shift+Delete, running the clearLabel action', () => {
    const item = shortcutList(commands, 'other').flatMap((g) => g.items).find((i) => i.id === 'label.clear')
    expect(item).toMatchObject({ label: expect.stringMatching(/^Clear label/), keys: ['Shift+Delete'] })
    expect(idFor(key('Delete', { shiftKey: true }), 'other')).toBe('label.clear')
    expect(idFor(key('Delete'), 'other')).toBeNull()
    let asked = 0
    commands.find((c) => c.id === 'label.clear')!.run({ clearLabel: () => asked++ } as never)
    expect(asked).toBe(1)
  })

  it('every tool has a command with its key', () => {
    for (const t of createTools()) {
      expect(commands.find((c) => c.id === `tool.${t.id}`)?.keys).toEqual([t.key])
    }
  })
})

describe('list navigation and unambiguous keys', () => {
  it('Page Up / Page Down / U walk the list, shown in the help under Navigate', () => {
    expect(idFor(key('PageDown'), 'other')).toBe('nav.next')
    expect(idFor(key('PageUp'), 'other')).toBe('nav.previous')
    expect(idFor(key('u'), 'other')).toBe('nav.next-unlabelled')
    const nav = shortcutList(commands, 'other').find((g) => g.group === 'Navigate')!
    expect(nav.items.map((i) => i.keys[0])).toEqual(['Page Up', 'Page Down', 'U'])
    const went: string[] = []
    commands.find((c) => c.id === 'nav.next-unlabelled')!.run({ navigate: (to: string) => went.push(to) } as never)
    expect(went).toEqual(['next-unlabelled'])
  })

  it('spells out the letter O and the digit 0, which look alike', () => {
    const keysOf = (id: string) => shortcutList(commands, 'other').flatMap((g) => g.items).find((i) => i.id === id)!.keys
    expect(keysOf('overlay.toggle')).toEqual(['O (letter)'])
    expect(keysOf('prediction.toggle')).toEqual(['Shift+O (letter)'])
    expect(keysOf('zoom.actual')).toEqual(['0 (zero)'])
    expect(formatChord('Shift+O', 'mac')).toBe('⇧O (letter)')
    // Every key shown is unique, so no two commands read alike either.
    const shown = shortcutList(commands, 'other').flatMap((g) => g.items.flatMap((i) => i.keys))
    expect(new Set(shown).size).toBe(shown.length)
  })
})
