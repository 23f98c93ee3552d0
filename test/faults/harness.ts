// The fault-injection suite's harness: runs a driver script in its own Node process, reads the JSON
// lines it prints (its acknowledgements), and kills it with SIGKILL at a chosen moment, as a power
// cut or the OOM killer would. The suite then reopens what the driver left and checks the promises
// of docs/reliability.md against the acknowledgements alone, never against the units' internals.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Trimap } from '../../src/shared/trimap'

export type Line = Record<string, unknown>

export interface Driven {
  lines: Line[]
  /** Resolves with the first line for which `pred` holds (rejects if the driver exits first). */
  until(pred: (l: Line) => boolean): Promise<Line>
  /** SIGKILL, then resolves once the process is gone. */
  kill(): Promise<void>
  exited: Promise<number | null>
}

export function drive(driver: string, args: string[]): Driven {
  // node with tsx's loader directly, not the tsx wrapper, which would run the driver in a grandchild
  // that SIGKILL of the wrapper would not reach.
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(`drivers/${driver}`, import.meta.url)), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: Line[] = []
  const waiting: { pred: (l: Line) => boolean; resolve: (l: Line) => void }[] = []
  let stderr = ''
  let buf = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString()
    let nl: number
    while ((nl = buf.indexOf('\n')) >= 0) {
      const text = buf.slice(0, nl)
      buf = buf.slice(nl + 1)
      if (!text.startsWith('{')) continue
      const line = JSON.parse(text) as Line
      lines.push(line)
      for (const w of waiting.filter((w) => w.pred(line))) {
        waiting.splice(waiting.indexOf(w), 1)
        w.resolve(line)
      }
    }
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return {
    lines,
    exited,
    until(pred) {
      const seen = lines.find(pred)
      if (seen) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        waiting.push({ pred, resolve })
        void exited.then((code) => reject(new Error(`driver ${driver} exited (${code}) first: ${stderr.slice(-2000)}`)))
      })
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** The trimap a driver writes for (image size, phase): diagonal stripes of 1/2/3, so every phase differs. */
export function stripes(width: number, height: number, phase: number): Trimap {
  const data = new Uint8Array(width * height)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data[y * width + x] = 1 + ((Math.floor((x + y) / 7) + phase) % 3)
  }
  return { width, height, data }
}
