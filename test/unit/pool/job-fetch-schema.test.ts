// The job's `fetch` field (where a worker fetches a run's images from the app's web mode): absent in
// an older app's job, and checked against the images it names before a worker makes any request.
import { describe, expect, it } from 'vitest'
import { poolJobSchema } from '../../../src/main/pool/protocol'

const data = {
  sha256: 'a'.repeat(64), size: 32, count: 2, trimaps: true, health: null, stored: false,
  dataset: { fingerprint: 'b'.repeat(64), names: ['cat_1', 'dog_2'], healthNames: null },
}
const fetch = { url: 'http://workbench-lan:5199', token: 'x'.repeat(43), ids: [7, 9], healthIds: null }
/** The data field's issues as "path: message". */
function issues(d: object): string[] {
  const r = poolJobSchema.shape.data.safeParse(d)
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}

describe("a pool job's fetch field", () => {
  it('is null in a job from an app that does not serve its images', () => {
    expect(poolJobSchema.shape.data.parse(data).fetch).toBeNull()
    expect(poolJobSchema.shape.data.parse({ ...data, fetch }).fetch).toEqual(fetch)
  })

  it('names one image id per image, health batch included', () => {
    expect(issues({ ...data, fetch: { ...fetch, ids: [7] } })).toEqual(['fetch.ids: lists 1 for 2 images'])
    expect(issues({ ...data, fetch: { ...fetch, healthIds: [3] } })).toEqual(['fetch.healthIds: lists 1 for 0 images'])
  })

  it('needs the dataset (its cache is by fingerprint) and an http(s) URL', () => {
    expect(issues({ ...data, dataset: null, fetch })).toEqual(['fetch: a job fetching its images must name its dataset (their cache is by fingerprint)'])
    expect(issues({ ...data, fetch: { ...fetch, url: 'file:///etc/passwd' } })).toEqual([expect.stringMatching(/^fetch\.url: /)])
  })
})
