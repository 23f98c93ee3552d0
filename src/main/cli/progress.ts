// Progress on stderr: a redrawn bar when stderr is a terminal, a few plain lines when it is not
// (logs, CI, a parent process reading --json from stdout).
import type { DatasetProgress } from '../../shared/types/dataset'
import type { CliIo } from './types'

export function progressReporter(io: CliIo, quiet = false): {
  report: (p: DatasetProgress) => void
  end: () => void
} {
  const tty = io.stderr.isTTY === true
  let lastPhase = ''
  let lastQuarter = -1
  let drawn = false
  const report = (p: DatasetProgress): void => {
    if (quiet) return
    const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0
    if (tty) {
      const width = 24
      const fill = Math.round(frac * width)
      const bar = '#'.repeat(fill) + '-'.repeat(width - fill)
      const line = `[${bar}] ${String(Math.round(frac * 100)).padStart(3)}% ${p.phase}: ${p.message}`
      io.stderr.write(`\r${line.slice(0, (io.stderr.columns ?? 100) - 1).padEnd(Math.min(99, (io.stderr.columns ?? 100) - 1))}`)
      drawn = true
      return
    }
    const quarter = Math.floor(frac * 4)
    if (p.phase !== lastPhase || quarter > lastQuarter) {
      io.stderr.write(`${p.phase}: ${p.message}\n`)
      lastPhase = p.phase
      lastQuarter = quarter
    }
  }
  const end = (): void => {
    if (drawn) io.stderr.write('\n')
    drawn = false
  }
  return { report, end }
}
