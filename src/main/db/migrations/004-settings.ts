// App settings that outlive a restart (how many runs train at once, …), one row per key.
import type { Migration } from '../migrate'

export const settings: Migration = {
  id: 4,
  name: '004-settings',
  sql: `
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  -- JSON text of the value
  value TEXT NOT NULL
);
`,
}
