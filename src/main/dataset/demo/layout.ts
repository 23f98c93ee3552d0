// Text files of the demo dataset in the release's exact formats: list.txt (with its 6 header lines),
// the split files, PASCAL VOC head-box xmls, and the stray files the release ships.
import type { HeadBox, Species } from '../../../shared/types/dataset'
import type { Breed } from '../breeds'

export const LIST_HEADER = [
  '#Image CLASS-ID SPECIES BREED ID',
  '#ID: 1:37 Class ids',
  '#SPECIES: 1:Cat 2:Dog',
  '#BREED ID: 1-25:Cat 1:12:Dog',
  '#All images with 1st letter as captial are cat images',
  '#images with small first letter are dog images',
]

export function listLine(name: string, b: Breed): string {
  return `${name} ${b.classId} ${b.species === 'cat' ? 1 : 2} ${b.breedId}`
}

export function headBoxXml(name: string, width: number, height: number, species: Species, box: HeadBox): string {
  return (
    `<annotation><folder>OXIIIT</folder><filename>${name}.jpg</filename>` +
    '<source><database>OXFORD-IIIT Pet Dataset</database><annotation>OXIIIT</annotation><image>flickr</image></source>' +
    `<size><width>${width}</width><height>${height}</height><depth>3</depth></size><segmented>0</segmented>` +
    `<object><name>${species}</name><pose>Frontal</pose><truncated>0</truncated><occluded>0</occluded>` +
    `<bndbox><xmin>${box.xmin}</xmin><ymin>${box.ymin}</ymin><xmax>${box.xmax}</xmax><ymax>${box.ymax}</ymax></bndbox>` +
    '<difficult>0</difficult></object></annotation>\n'
  )
}

/** A MATLAB 5 file header like the release's stray images/*.mat files (128 bytes). */
export function matFile(): Buffer {
  const text = 'MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: Thu Jun 14 12:00:00 2012'
  const buf = Buffer.alloc(128, 0x20)
  buf.write(text, 0, 'latin1')
  buf.writeUInt16LE(0x0100, 124)
  buf.write('IM', 126, 'latin1')
  return buf
}

/** An AppleDouble resource file (._name) as macOS tar leaves them in trimaps/. */
export function appleDouble(): Buffer {
  const buf = Buffer.alloc(82)
  buf.writeUInt32BE(0x00051607, 0)
  buf.writeUInt32BE(0x00020000, 4)
  buf.write('Mac OS X        ', 8, 'latin1')
  return buf
}
