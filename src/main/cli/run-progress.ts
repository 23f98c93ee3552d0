// Training progress on stderr: a redrawn bar with loss and ETA on a terminal; one line per epoch
// otherwise (logs, CI, a parent process reading --json from stdout).
import type { Events } from '../../shared/api'
import type { CliIo } from './types'

export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--'
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const pad = (n: number): string => String(n).padStart(2, '0')
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`
}

export function runProgressReporter(io: CliIo, label: (runId: number) => string, quiet = false): {
  progress: (e: Events['runs:progress']) => void
  line: (text: string) => void
  end: () => void
} {
  const tty = io.stderr.isTTY === true
  let drawn = false
  const end = (): void => {
    if (drawn) io.stderr.write('\n')
    drawn = false
  }
  const progress = (e: Events['runs:progress']): void => {
    if (quiet) return
    const p = e.progress
    const frac = Math.min(1, (p.epoch - 1 + p.step / p.stepsPerEpoch) / p.epochs)
    const stats = `epoch ${p.epoch}/${p.epochs} step ${p.step}/${p.stepsPerEpoch} loss ${p.loss.toFixed(4)} ${p.imgPerSec.toFixed(1)} img/s ETA ${formatEta(p.etaSeconds)}`
    if (tty) {
      const width = 20
      const fill = Math.round(frac * width)
      const text = `[${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${String(Math.round(frac * 100)).padStart(3)}% ${label(e.runId)} ${stats}`
      const cols = (io.stderr.columns ?? 120) - 1
      io.stderr.write(`\r${text.slice(0, cols).padEnd(Math.min(cols, 119))}`)
      drawn = true
    } else if (p.step === p.stepsPerEpoch) {
      io.stderr.write(`${label(e.runId)} ${stats}\n`)
    }
  }
  const line = (text: string): void => {
    if (quiet) return
    end()
    io.stderr.write(text + '\n')
  }
  return { progress, line, end }
}
