// The editor's Konva view: the image, the trimap overlay (an offscreen canvas updated one dirty
// rectangle at a time with putImageData), a model's prediction (outlined, its own opacity) and a UI
// layer for the brush footprint and polygon outline.
import Konva from 'konva'
import { snapBrushCentre, clampBrushSize } from '../mask/brush'
import { clipRect, fullRect, type Mask, type Point } from '../mask/mask'
import { isEmptyRect, type Rect } from '../mask/rect'
import { buildClassLut, maskRectToRgba, predictionToRgba } from './overlay-pixels'
import { actualSizeTransform, fitTransform, zoomAround, type Size, type ViewTransform } from './transform'

// One canvas pixel per CSS pixel: pixels read back in tests are deterministic (PLATFORM.md) and the
// overlay's mapping stays exact.
Konva.pixelRatio = 1

const OUTLINE = '#ffffff'
const OUTLINE_DARK = '#000000'

export class MaskView {
  readonly stage: Konva.Stage
  private readonly imageLayer = new Konva.Layer({ listening: false })
  private readonly overlayLayer = new Konva.Layer({ listening: false, imageSmoothingEnabled: false })
  private readonly predictionLayer = new Konva.Layer({ listening: false, imageSmoothingEnabled: false })
  private readonly uiLayer = new Konva.Layer({ listening: false })
  private readonly imageNode = new Konva.Image({ image: undefined, x: 0, y: 0 })
  private readonly overlayNode: Konva.Image
  private readonly overlayCanvas = document.createElement('canvas')
  private readonly overlayCtx: CanvasRenderingContext2D
  private readonly predictionNode = new Konva.Image({ image: undefined, x: 0, y: 0 })
  private readonly predictionCanvas = document.createElement('canvas')
  private readonly lut = buildClassLut()
  private readonly footprint = [new Konva.Circle({ stroke: OUTLINE_DARK }), new Konva.Circle({ stroke: OUTLINE })]
  private readonly outline = new Konva.Line({ stroke: OUTLINE, points: [], lineJoin: 'round' })
  private readonly outlineStart = new Konva.Circle({ stroke: OUTLINE, fill: OUTLINE_DARK })
  private mask: Mask | null = null
  private t: ViewTransform = { scale: 1, x: 0, y: 0 }
  private imageSize: Size = { width: 1, height: 1 }
  /** Called after every zoom or pan (the component shows the zoom level). */
  onTransform: ((t: ViewTransform) => void) | null = null

  constructor(container: HTMLDivElement) {
    this.stage = new Konva.Stage({
      container,
      width: Math.max(1, container.clientWidth),
      height: Math.max(1, container.clientHeight),
    })
    const ctx = this.overlayCanvas.getContext('2d')
    if (!ctx) throw new Error('this browser gives no 2D canvas context for the trimap overlay')
    this.overlayCtx = ctx
    this.overlayNode = new Konva.Image({ image: this.overlayCanvas, x: 0, y: 0 })
    this.imageLayer.add(this.imageNode)
    this.overlayLayer.add(this.overlayNode)
    this.predictionLayer.add(this.predictionNode)
    this.uiLayer.add(this.outline, this.outlineStart, ...this.footprint)
    // Canvas order in the container: image, overlay, prediction, UI (tests read the overlay as the second).
    this.stage.add(this.imageLayer, this.overlayLayer, this.predictionLayer, this.uiLayer)
  }

  get transform(): ViewTransform {
    return { ...this.t }
  }

  get viewSize(): Size {
    return { width: this.stage.width(), height: this.stage.height() }
  }

  setTransform(t: ViewTransform): void {
    this.t = { ...t }
    for (const layer of [this.imageLayer, this.overlayLayer, this.predictionLayer, this.uiLayer]) {
      layer.position({ x: t.x, y: t.y })
      layer.scale({ x: t.scale, y: t.scale })
    }
    // Zoomed in, every image pixel must show as a sharp block; zoomed out, smoothing reads better.
    this.imageLayer.imageSmoothingEnabled(t.scale < 1)
    this.stage.batchDraw()
    this.onTransform?.(this.transform)
  }

  resize(width: number, height: number): void {
    this.stage.size({ width: Math.max(1, width), height: Math.max(1, height) })
    this.stage.batchDraw()
  }

  setImage(source: CanvasImageSource | null, size: Size): void {
    this.imageSize = { ...size }
    this.imageNode.image(source ?? undefined)
    this.imageNode.size(size)
    this.overlayNode.size(size)
    this.predictionNode.size(size)
    this.imageLayer.batchDraw()
  }

  /** Shows a mask; one of another size than the image is stretched over it (the warning case). */
  setMask(mask: Mask): void {
    this.mask = mask
    this.overlayCanvas.width = mask.width
    this.overlayCanvas.height = mask.height
    // The node must not cache the old canvas size.
    this.overlayNode.image(this.overlayCanvas)
    this.overlayNode.size(this.imageSize)
    this.repaint(fullRect(mask))
  }

  /** Repaints only rect of the overlay from the mask. */
  repaint(rect: Rect): void {
    if (!this.mask) return
    const r = clipRect(this.mask, rect)
    if (isEmptyRect(r)) return
    const img = this.overlayCtx.createImageData(r.w, r.h)
    maskRectToRgba(this.mask, r, this.lut, new Uint32Array(img.data.buffer))
    this.overlayCtx.putImageData(img, r.x, r.y)
    this.overlayLayer.batchDraw()
  }

  setOverlay(opacity: number, visible: boolean): void {
    this.overlayNode.opacity(Math.min(1, Math.max(0, opacity)))
    this.overlayLayer.visible(visible)
    this.overlayLayer.batchDraw()
  }

  /** Shows a prediction (drawn once: it does not change while shown); null removes it. */
  setPrediction(prediction: Mask | null): void {
    if (!prediction) {
      this.predictionNode.image(undefined)
      this.predictionLayer.batchDraw()
      return
    }
    const c = this.predictionCanvas
    c.width = prediction.width
    c.height = prediction.height
    const ctx = c.getContext('2d')
    if (!ctx) throw new Error('this browser gives no 2D canvas context for the prediction overlay')
    const img = ctx.createImageData(prediction.width, prediction.height)
    predictionToRgba(prediction, this.lut, new Uint32Array(img.data.buffer))
    ctx.putImageData(img, 0, 0)
    this.predictionNode.image(c)
    this.predictionNode.size(this.imageSize)
    this.predictionLayer.batchDraw()
  }

  setPredictionOverlay(opacity: number, visible: boolean): void {
    this.predictionNode.opacity(Math.min(1, Math.max(0, opacity)))
    this.predictionLayer.visible(visible)
    this.predictionLayer.batchDraw()
  }

  fit(): void {
    this.setTransform(fitTransform(this.imageSize, this.viewSize))
  }

  actualSize(): void {
    this.setTransform(actualSizeTransform(this.imageSize, this.viewSize))
  }

  /** Zooms around a screen point, or around the view's centre. */
  zoomBy(factor: number, anchor?: Point): void {
    const a = anchor ?? { x: this.stage.width() / 2, y: this.stage.height() / 2 }
    this.setTransform(zoomAround(this.t, factor, a))
  }

  /** Draws the brush footprint (diameter in image pixels) where the brush would paint; null hides it. */
  showFootprint(p: Point | null, size: number): void {
    const d = clampBrushSize(size)
    const c = p ? snapBrushCentre(p, d) : null
    const px = 1 / this.t.scale
    this.footprint.forEach((circle, i) => {
      circle.visible(c !== null)
      if (!c) return
      circle.position(c)
      circle.radius(d / 2 + (i === 0 ? px : 0))
      circle.strokeWidth(px)
    })
    this.uiLayer.batchDraw()
  }

  /** Draws an unfinished polygon, with a rubber band to the pointer; null hides it. */
  showOutline(points: readonly Point[] | null, hover: Point | null): void {
    const px = 1 / this.t.scale
    const all = points && hover ? [...points, hover] : (points ?? [])
    this.outline.points(all.flatMap((p) => [p.x, p.y]))
    this.outline.strokeWidth(1.5 * px)
    const first = points?.[0]
    this.outlineStart.visible(first !== undefined)
    if (first) this.outlineStart.setAttrs({ x: first.x, y: first.y, radius: 4 * px, strokeWidth: px })
    this.uiLayer.batchDraw()
  }

  destroy(): void {
    this.stage.destroy()
    this.mask = null
  }
}
