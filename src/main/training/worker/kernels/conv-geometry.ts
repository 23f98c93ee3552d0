// Shared geometry for the conv gradient composites: the forward conv's padding, resolved to numbers.
import { backend_util } from '@tensorflow/tfjs'

type PadAttr = 'valid' | 'same' | number | backend_util.ExplicitPadding

export interface ConvGeometry {
  info: backend_util.Conv2DInfo
  /** Rows/cols the forward conv added before (top/left) and after (bottom/right) x. */
  pad: { top: number; bottom: number; left: number; right: number }
}

export function convGeometry(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: [number, number] | number,
  pad: PadAttr,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): ConvGeometry {
  const info = backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast')
  const p = info.padInfo
  return { info, pad: { top: p.top, bottom: p.bottom, left: p.left, right: p.right } }
}
