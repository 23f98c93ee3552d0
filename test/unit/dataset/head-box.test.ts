// Head boxes from PASCAL VOC xmls as the release ships them.
import { describe, expect, it } from 'vitest'
import { parseHeadBox } from '../../../src/main/dataset/head-box'
import { headBoxXml } from '../../../src/main/dataset/demo/layout'

const REAL =
  '<annotation><folder>OXIIIT</folder><filename>Abyssinian_1.jpg</filename><source><database>OXFORD-IIIT Pet Dataset</database>' +
  '<annotation>OXIIIT</annotation><image>flickr</image></source><size><width>600</width><height>400</height><depth>3</depth></size>' +
  '<segmented>0</segmented><object><name>cat</name><pose>Frontal</pose><truncated>0</truncated><occluded>0</occluded>' +
  '<bndbox><xmin>333</xmin><ymin>72</ymin><xmax>425</xmax><ymax>158</ymax></bndbox><difficult>0</difficult></object></annotation>'

describe('parseHeadBox', () => {
  it('reads the bndbox of the release format', () => {
    expect(parseHeadBox(REAL, 'x.xml')).toEqual({ xmin: 333, ymin: 72, xmax: 425, ymax: 158 })
  })

  it('reads what the demo generator writes, multi-line and with two objects', () => {
    const box = { xmin: 10, ymin: 20, xmax: 30, ymax: 45 }
    expect(parseHeadBox(headBoxXml('pug_1', 200, 100, 'dog', box), 'a.xml')).toEqual(box)
    const two = REAL.replace('</object>', '</object><object><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>')
    expect(parseHeadBox(two.replace(/></g, '>\n  <'), 'b.xml')).toEqual({ xmin: 333, ymin: 72, xmax: 425, ymax: 158 })
  })

  it('names the file when the xml is unusable', () => {
    expect(() => parseHeadBox('<annotation><object></object></annotation>', 'annotations/xmls/a.xml')).toThrow(
      /annotations\/xmls\/a\.xml: no <object><bndbox>/,
    )
    expect(() => parseHeadBox(REAL.replace('<xmax>425</xmax>', ''), 'b.xml')).toThrow(/b\.xml: <bndbox> has no numeric <xmax>/)
    expect(() => parseHeadBox('<other/>', 'c.xml')).toThrow(/c\.xml: no <annotation>/)
    expect(() => parseHeadBox('<annotation><object>', 'd.xml')).toThrow(/d\.xml/)
  })
})
