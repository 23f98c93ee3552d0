// Screen↔image coordinate mapping for the editor view, as pure functions: screen = image·scale + offset.
// Fit and 1:1 land on whole screen pixels, so image pixels line up with screen pixels there.
import type { Point } from '../mask/mask'

export interface ViewTransform {
  scale: number
  x: number
  y: number
}

export const MIN_SCALE = 1 / 32
export const MAX_SCALE = 64

export function clampScale(s: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, s))
}

export function screenToImage(t: ViewTransform, p: Point): Point {
  return { x: (p.x - t.x) / t.scale, y: (p.y - t.y) / t.scale }
}

export function imageToScreen(t: ViewTransform, p: Point): Point {
  return { x: p.x * t.scale + t.x, y: p.y * t.scale + t.y }
}

/** The image pixel (column, row) under a screen point; may lie outside the image. */
export function pixelAt(t: ViewTransform, p: Point): Point {
  const q = screenToImage(t, p)
  return { x: Math.floor(q.x), y: Math.floor(q.y) }
}

/** Zooms by factor, keeping the image point under `anchor` (a screen point) where it is. */
export function zoomAround(t: ViewTransform, factor: number, anchor: Point): ViewTransform {
  const scale = clampScale(t.scale * factor)
  const ip = screenToImage(t, anchor)
  return { scale, x: anchor.x - ip.x * scale, y: anchor.y - ip.y * scale }
}

export function panBy(t: ViewTransform, dx: number, dy: number): ViewTransform {
  return { scale: t.scale, x: t.x + dx, y: t.y + dy }
}

export interface Size {
  width: number
  height: number
}

/** The whole image in view with a margin, centred on whole pixels. */
export function fitTransform(image: Size, view: Size, margin = 16): ViewTransform {
  const availW = Math.max(1, view.width - 2 * margin)
  const availH = Math.max(1, view.height - 2 * margin)
  const scale = clampScale(Math.min(availW / image.width, availH / image.height))
  return centred(image, view, scale)
}

/** One image pixel per screen pixel, centred. */
export function actualSizeTransform(image: Size, view: Size): ViewTransform {
  return centred(image, view, 1)
}

function centred(image: Size, view: Size, scale: number): ViewTransform {
  return {
    scale,
    x: Math.round((view.width - image.width * scale) / 2),
    y: Math.round((view.height - image.height * scale) / 2),
  }
}
