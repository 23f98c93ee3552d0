// Head-box annotations (annotations/xmls/<name>.xml, PASCAL VOC style) → the first object's box.
import { XMLParser } from 'fast-xml-parser'
import { AppError } from '../../shared/errors'
import type { HeadBox } from '../../shared/types/dataset'

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true })

/** Throws PARSE_ERROR naming `file` when the xml is unreadable or has no usable bndbox. */
export function parseHeadBox(text: string, file: string): HeadBox {
  let doc: unknown
  try {
    doc = parser.parse(text, true)
  } catch (err) {
    throw new AppError('PARSE_ERROR', `${file}: not valid XML (${(err as Error).message.split('\n')[0]})`)
  }
  const annotation = (doc as { annotation?: { object?: unknown } }).annotation
  if (!annotation) throw new AppError('PARSE_ERROR', `${file}: no <annotation> element`)
  const objects = Array.isArray(annotation.object) ? annotation.object : [annotation.object]
  const box = (objects[0] as { bndbox?: Record<string, unknown> } | undefined)?.bndbox
  if (!box) throw new AppError('PARSE_ERROR', `${file}: no <object><bndbox> element`)
  const num = (k: string): number => {
    const v = Number(box[k])
    if (box[k] === undefined || box[k] === '' || !Number.isFinite(v)) {
      throw new AppError('PARSE_ERROR', `${file}: <bndbox> has no numeric <${k}>`)
    }
    return Math.round(v)
  }
  const b = { xmin: num('xmin'), ymin: num('ymin'), xmax: num('xmax'), ymax: num('ymax') }
  if (b.xmax <= b.xmin || b.ymax <= b.ymin) throw new AppError('PARSE_ERROR', `${file}: <bndbox> is empty`)
  return b
}
