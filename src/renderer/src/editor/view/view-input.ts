// Pointer, wheel and space-bar input for the editor view: drawing with the left button, pan with
// space-drag or the middle button, wheel zoom around the pointer. Hands tools image coordinates.
import { isTypingTarget } from '../commands/keys'
import type { Point } from '../mask/mask'
import type { MaskView } from './konva-view'
import { panBy, screenToImage } from './transform'

export interface InputHandlers {
  down(p: Point): void
  move(p: Point): void
  up(p: Point): void
  /** The pointer was taken away mid-action (capture lost, touch cancelled). */
  cancel(): void
  /** The pointer moved over the canvas (null: it left); for the footprint and outlines. */
  hover(p: Point | null): void
  /** The cursor while panning ('grab' with space held, 'grabbing' while dragging), null: the tool's. */
  panCursor(cursor: 'grab' | 'grabbing' | null): void
}

/** Wires the container's events to the view and the handlers; returns a function that unwires them. */
export function attachInput(container: HTMLElement, view: MaskView, h: InputHandlers): () => void {
  let spaceHeld = false
  let pan: { id: number; x: number; y: number } | null = null
  let drawing: number | null = null
  const toImage = (ev: MouseEvent): Point => {
    const box = container.getBoundingClientRect()
    return screenToImage(view.transform, { x: ev.clientX - box.left, y: ev.clientY - box.top })
  }

  const onDown = (ev: PointerEvent): void => {
    if (pan || drawing !== null) return
    if (ev.button === 1 || (ev.button === 0 && spaceHeld)) {
      pan = { id: ev.pointerId, x: ev.clientX, y: ev.clientY }
      h.panCursor('grabbing')
    } else if (ev.button === 0) {
      drawing = ev.pointerId
      h.down(toImage(ev))
    } else {
      return
    }
    container.setPointerCapture(ev.pointerId)
    ev.preventDefault()
  }
  const onMove = (ev: PointerEvent): void => {
    if (pan && ev.pointerId === pan.id) {
      view.setTransform(panBy(view.transform, ev.clientX - pan.x, ev.clientY - pan.y))
      pan = { id: pan.id, x: ev.clientX, y: ev.clientY }
      return
    }
    const p = toImage(ev)
    h.hover(p)
    if (drawing === ev.pointerId) h.move(p)
  }
  const onUp = (ev: PointerEvent): void => {
    if (pan && ev.pointerId === pan.id) {
      pan = null
      h.panCursor(spaceHeld ? 'grab' : null)
    } else if (drawing === ev.pointerId) {
      drawing = null
      h.up(toImage(ev))
    }
  }
  const onCancel = (ev: PointerEvent): void => {
    if (pan && ev.pointerId === pan.id) pan = null
    if (drawing === ev.pointerId) {
      drawing = null
      h.cancel()
    }
  }
  const onWheel = (ev: WheelEvent): void => {
    ev.preventDefault()
    const box = container.getBoundingClientRect()
    const step = ev.deltaMode === 1 ? 0.05 : 0.0015
    view.zoomBy(Math.exp(-ev.deltaY * step), { x: ev.clientX - box.left, y: ev.clientY - box.top })
  }
  const onKey = (ev: KeyboardEvent): void => {
    // Space on a focused button or field keeps its own meaning (click, typing).
    if (ev.key !== ' ' || isTypingTarget(ev.target) || isControl(ev.target)) return
    ev.preventDefault()
    spaceHeld = ev.type === 'keydown'
    if (!pan) h.panCursor(spaceHeld ? 'grab' : null)
  }
  // Chromium starts auto-scroll on a middle press unless the mousedown is cancelled.
  const onMouseDown = (ev: MouseEvent): void => {
    if (ev.button === 1) ev.preventDefault()
  }
  const onLeave = (): void => h.hover(null)

  const listeners: [EventTarget, string, EventListener, AddEventListenerOptions?][] = [
    [container, 'pointerdown', onDown as EventListener],
    [container, 'pointermove', onMove as EventListener],
    [container, 'pointerup', onUp as EventListener],
    [container, 'pointercancel', onCancel as EventListener],
    [container, 'lostpointercapture', onCancel as EventListener],
    [container, 'pointerleave', onLeave],
    [container, 'mousedown', onMouseDown as EventListener],
    [container, 'wheel', onWheel as EventListener, { passive: false }],
    [window, 'keydown', onKey as EventListener],
    [window, 'keyup', onKey as EventListener],
  ]
  for (const [t, type, fn, opts] of listeners) t.addEventListener(type, fn, opts)
  return () => {
    for (const [t, type, fn] of listeners) t.removeEventListener(type, fn)
  }
}

function isControl(target: EventTarget | null): boolean {
  const tag = (target as { tagName?: string } | null)?.tagName?.toUpperCase()
  return tag === 'BUTTON' || tag === 'INPUT' || tag === 'SELECT' || tag === 'A'
}
