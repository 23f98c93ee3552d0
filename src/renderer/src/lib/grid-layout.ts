// Row/column arithmetic of the virtualized thumbnail grid: the grid virtualizes rows, and each
// row holds as many fixed-size tiles as the container width allows.

export interface GridMetrics {
  /** Tile width and height in px (square tile, name underneath included in rowHeight). */
  tileWidth: number
  rowHeight: number
  gap: number
}

/** How many tiles fit across `width` px; at least one, so a narrow window still shows images. */
export function columnCount(width: number, m: GridMetrics): number {
  if (!(width > 0)) return 1
  return Math.max(1, Math.floor((width + m.gap) / (m.tileWidth + m.gap)))
}

export function rowCount(items: number, columns: number): number {
  return items <= 0 ? 0 : Math.ceil(items / Math.max(1, columns))
}

/** Index range [start, end) of the items shown in one row. */
export function rowRange(row: number, columns: number, items: number): [number, number] {
  const start = row * columns
  return [Math.min(start, items), Math.min(start + columns, items)]
}

/** Row holding item `index` (used to scroll the selected image into view). */
export function rowOf(index: number, columns: number): number {
  return Math.floor(index / Math.max(1, columns))
}
