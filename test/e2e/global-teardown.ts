// Removes the run's temporary web-mode data folder (database, caches, demo dataset).
import { rmSync } from 'node:fs'

export default function globalTeardown(): void {
  const dir = process.env['WB_E2E_DATA_DIR']
  if (dir && !process.env['WB_E2E_KEEP']) rmSync(dir, { recursive: true, force: true })
}
