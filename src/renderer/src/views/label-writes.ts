// How the editor view writes the open image's label: a trimap to 'labels:save', "no label" (null, an
// image undone back past its first edit) to 'labels:clear', normally or as the page goes away.
import type { ImageDetail } from '../../../shared/types/dataset'
import type { ApiClient } from '../api'
import type { SaveOnUnload, SaveTrimap } from '../editor'

/** `saved` receives each answer (the image's new detail). */
export function labelWrites(api: ApiClient, saved: (d: ImageDetail) => void): { save: SaveTrimap; saveOnUnload: SaveOnUnload } {
  return {
    save: async (imageId, trimap) =>
      saved(trimap ? await api['labels:save']({ imageId, trimap }) : await api['labels:clear']({ imageId })),
    saveOnUnload: (imageId, trimap) => {
      const send = api.sendOnUnload
      const sent = !send ? null : trimap ? send('labels:save', { imageId, trimap }) : send('labels:clear', { imageId })
      return sent?.then(saved) ?? null
    },
  }
}
