// Every editor command as a registered object with its key bindings: the keyboard handler and the
// shortcut help overlay are both generated from this one list.
import { TRIMAP_CLASSES, TRIMAP_CLASS_NAMES, type TrimapClass } from '../../../../shared/trimap'
import type { Tool, ToolId, ToolKey } from '../tools'
import { formatChord, matchesChord, parseChord, type KeyLike, type Platform } from './keys'

/** What commands can do; the editor component implements it. */
export interface EditorActions {
  undo(): void
  redo(): void
  selectTool(id: ToolId): void
  selectClass(c: TrimapClass): void
  stepBrushSize(direction: 1 | -1): void
  zoomFit(): void
  zoomActual(): void
  zoomBy(factor: number): void
  toggleOverlay(): void
  /** Replaces the trimap by the shown prediction (one undo step). */
  acceptPrediction(): void
  togglePrediction(): void
  /** Asks (after a confirmation by the host) to make the image unlabelled. */
  clearLabel(): void
  save(): void
  toggleHelp(): void
  /** Passes a key to the current tool; false when the tool did not want it. */
  toolKey(key: ToolKey): boolean
  /** Saves, then opens another image of the list the editor was opened from (the host decides which). */
  navigate(to: NavigationTarget): void
}

export type NavigationTarget = 'previous' | 'next' | 'next-unlabelled'

/** The keys that walk the list; the host's Previous/Next buttons show them as hints too. */
export const NAVIGATION_KEYS: Record<NavigationTarget, string> = {
  previous: 'PageUp',
  next: 'PageDown',
  'next-unlabelled': 'U',
}

export type CommandGroup = 'Edit' | 'Tools' | 'Classes' | 'View' | 'Navigate' | 'File' | 'Help'

function navigationCommands(): Command[] {
  const labels: Record<NavigationTarget, string> = {
    previous: 'Previous image in the list',
    next: 'Next image in the list',
    'next-unlabelled': 'Next unlabelled image in the list',
  }
  return (Object.keys(labels) as NavigationTarget[]).map((to) => ({
    id: `nav.${to}`,
    label: labels[to],
    group: 'Navigate' as const,
    keys: [NAVIGATION_KEYS[to]],
    run: (a: EditorActions) => a.navigate(to),
  }))
}

export interface Command {
  id: string
  label: string
  group: CommandGroup
  keys: readonly string[]
  /** Returns false when the command declined the key (it then falls through to the browser). */
  run(a: EditorActions): boolean | void
}

function classCommands(): Command[] {
  return TRIMAP_CLASSES.map((c) => ({
    id: `class.${c}`,
    label: `Class ${c}: ${TRIMAP_CLASS_NAMES[c]}`,
    group: 'Classes' as const,
    keys: [String(c)],
    run: (a: EditorActions) => a.selectClass(c),
  }))
}

function toolCommands(tools: readonly Tool[]): Command[] {
  return tools.map((t) => ({
    id: `tool.${t.id}`,
    label: t.label,
    group: 'Tools' as const,
    keys: [t.key],
    run: (a: EditorActions) => a.selectTool(t.id),
  }))
}

export function buildCommands(tools: readonly Tool[]): Command[] {
  const commands: Command[] = [
    { id: 'undo', label: 'Undo', group: 'Edit', keys: ['Mod+Z'], run: (a) => a.undo() },
    { id: 'redo', label: 'Redo', group: 'Edit', keys: ['Mod+Shift+Z', 'Mod+Y'], run: (a) => a.redo() },
    { id: 'polygon.close', label: 'Close polygon', group: 'Edit', keys: ['Enter'], run: (a) => a.toolKey('Enter') },
    {
      id: 'polygon.cancel',
      label: 'Cancel polygon',
      group: 'Edit',
      keys: ['Escape'],
      run: (a) => a.toolKey('Escape'),
    },
    {
      id: 'polygon.back',
      label: 'Remove last polygon point',
      group: 'Edit',
      keys: ['Backspace'],
      run: (a) => a.toolKey('Backspace'),
    },
    ...toolCommands(tools),
    ...classCommands(),
    { id: 'brush.smaller', label: 'Smaller brush', group: 'Tools', keys: ['['], run: (a) => a.stepBrushSize(-1) },
    { id: 'brush.larger', label: 'Larger brush', group: 'Tools', keys: [']'], run: (a) => a.stepBrushSize(1) },
    { id: 'zoom.fit', label: 'Zoom to fit', group: 'View', keys: ['F'], run: (a) => a.zoomFit() },
    { id: 'zoom.actual', label: 'Zoom 1:1', group: 'View', keys: ['0'], run: (a) => a.zoomActual() },
    { id: 'zoom.in', label: 'Zoom in', group: 'View', keys: ['='], run: (a) => a.zoomBy(1.25) },
    { id: 'zoom.out', label: 'Zoom out', group: 'View', keys: ['-'], run: (a) => a.zoomBy(0.8) },
    { id: 'overlay.toggle', label: 'Show/hide trimap overlay', group: 'View', keys: ['O'], run: (a) => a.toggleOverlay() },
    {
      id: 'prediction.accept',
      label: 'Accept prediction (replace the trimap)',
      group: 'Edit',
      keys: ['Shift+A'],
      run: (a) => a.acceptPrediction(),
    },
    {
      id: 'prediction.toggle',
      label: 'Show/hide prediction',
      group: 'View',
      keys: ['Shift+O'],
      run: (a) => a.togglePrediction(),
    },
    {
      id: 'label.clear',
      label: 'Clear label (the image becomes unlabelled)…',
      group: 'File',
      keys: ['Shift+Delete'],
      run: (a) => a.clearLabel(),
    },
    ...navigationCommands(),
    { id: 'save', label: 'Save now', group: 'File', keys: ['Mod+S'], run: (a) => a.save() },
    { id: 'help', label: 'Keyboard shortcuts', group: 'Help', keys: ['?'], run: (a) => a.toggleHelp() },
  ]
  assertUniqueKeys(commands)
  return commands
}

// Two commands on one chord would make one of them unreachable: fail loudly at start-up instead.
function assertUniqueKeys(commands: readonly Command[]): void {
  const seen = new Map<string, string>()
  for (const c of commands) {
    for (const k of c.keys) {
      const p = parseChord(k)
      const norm = JSON.stringify(p)
      const other = seen.get(norm)
      if (other) throw new Error(`key ${k} is bound to both ${other} and ${c.id}`)
      seen.set(norm, c.id)
    }
  }
}

export function findCommand(commands: readonly Command[], ev: KeyLike, platform: Platform): Command | null {
  for (const c of commands) {
    if (c.keys.some((k) => matchesChord(parseChord(k), ev, platform))) return c
  }
  return null
}

export interface ShortcutGroup {
  group: CommandGroup
  items: { id: string; label: string; keys: string[] }[]
}

/** The help overlay's content, generated from the commands (formatted for the platform). */
export function shortcutList(commands: readonly Command[], platform: Platform): ShortcutGroup[] {
  const groups: ShortcutGroup[] = []
  for (const c of commands) {
    let g = groups.find((x) => x.group === c.group)
    if (!g) groups.push((g = { group: c.group, items: [] }))
    g.items.push({ id: c.id, label: c.label, keys: c.keys.map((k) => formatChord(k, platform)) })
  }
  return groups
}
