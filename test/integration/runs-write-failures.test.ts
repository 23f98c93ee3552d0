// RunsService with a runs folder that cannot be written: the run fails before it trains, saying why in
// words and naming the folder, rather than after a whole epoch with a bare errno.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useRunsWorld } from './runs-world'

const w = useRunsWorld('wb-runs-write-')

describe('RunsService and an unwritable runs folder', () => {
  it('fails the run before training when the runs folder lies under a file', async () => {
    const file = join(w.dir, 'not-a-folder')
    writeFileSync(file, 'x')
    const runsDir = join(file, 'runs')
    const runs = w.service({ runsDir })
    runs.start()
    const { id } = await runs.enqueue(w.tiny())
    const done = await runs.waitFor(id)
    expect(done.status).toBe('failed')
    expect(done.error).toContain(`cannot save checkpoints in ${runsDir}: it, or a folder above it, is a file, not a folder`)
    expect(runs.get(id).epochs).toEqual([])
  })
})
