// Trimaps are checked in full when indexed (values and decodability, not only the PNG header): each
// image remembers which trimap file it had, and every trimap is checked once more on the next open.
import type { Migration } from '../migrate'

export const trimapCheck: Migration = {
  id: 5,
  name: '005-trimap-check',
  sql: `
-- the trimap file found on disk at the last index, relative to the root; with no label row it is a bad trimap
ALTER TABLE images ADD COLUMN trimap_file TEXT;
-- forget every trimap's signature so the next index checks each file in full once (the images are not decoded again)
UPDATE images SET trimap_sig = NULL;
`,
}
