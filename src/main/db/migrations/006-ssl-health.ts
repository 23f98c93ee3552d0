// Self-supervised health per pretraining epoch (embedding spread, dead channels, probe, collapse),
// so a collapsing pretraining shows while it runs and stays visible with the run afterwards.
import type { Migration } from '../migrate'

export const sslHealth: Migration = {
  id: 6,
  name: '006-ssl-health',
  sql: `
-- JSON SslHealth {embeddingStd, deadChannels, probe, allSameLoss, collapsed}; NULL for finetune epochs
ALTER TABLE run_epochs ADD COLUMN health TEXT;
`,
}
