// Trimap class ids of the Oxford-IIIT Pet release, shared by the dataset loader, the editor and training.
export const TRIMAP_PET = 1
export const TRIMAP_BACKGROUND = 2
export const TRIMAP_BORDER = 3

export type TrimapClass = typeof TRIMAP_PET | typeof TRIMAP_BACKGROUND | typeof TRIMAP_BORDER

export const TRIMAP_CLASSES: readonly TrimapClass[] = [TRIMAP_PET, TRIMAP_BACKGROUND, TRIMAP_BORDER]

export const TRIMAP_CLASS_NAMES: Record<TrimapClass, string> = {
  [TRIMAP_PET]: 'pet',
  [TRIMAP_BACKGROUND]: 'background',
  [TRIMAP_BORDER]: 'border',
}

/** Overlay colours (RGB) per class; the editor and the browser draw the same colours. */
export const TRIMAP_COLOURS: Record<TrimapClass, readonly [number, number, number]> = {
  [TRIMAP_PET]: [255, 99, 71],
  [TRIMAP_BACKGROUND]: [30, 144, 255],
  [TRIMAP_BORDER]: [255, 215, 0],
}

/** A trimap held in memory: one byte per pixel, row-major, values 1/2/3 (0 = not yet labelled). */
export interface Trimap {
  width: number
  height: number
  data: Uint8Array
}
