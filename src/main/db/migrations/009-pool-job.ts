// A run training on the worker pool keeps its BullMQ job id, so an app that was closed while workers
// trained follows the same job again when it comes back (replaying its progress) instead of starting over.
import type { Migration } from '../migrate'

export const poolJob: Migration = {
  id: 9,
  name: '009-pool-job',
  sql: `
ALTER TABLE runs ADD COLUMN pool_job TEXT;
`,
}
