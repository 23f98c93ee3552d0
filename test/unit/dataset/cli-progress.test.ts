// The CLI's progress on stderr: a redrawn bar on a terminal, a few plain lines otherwise.
import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { progressReporter } from '../../../src/main/cli/progress'
import { runCli } from '../../../src/main/cli'

function sink(isTTY: boolean): { stream: Writable & { isTTY?: boolean; columns?: number }; text: () => string } {
  let out = ''
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out += chunk.toString()
      cb()
    },
  }) as Writable & { isTTY?: boolean; columns?: number }
  stream.isTTY = isTTY
  stream.columns = 80
  return { stream, text: () => out }
}

const feed = (report: (p: { phase: 'index'; done: number; total: number; message: string }) => void): void => {
  for (let done = 0; done <= 100; done++) report({ phase: 'index', done, total: 100, message: `Indexed ${done} of 100` })
}

describe('progressReporter', () => {
  it('redraws one bar line on a terminal', () => {
    const err = sink(true)
    const p = progressReporter({ stdout: sink(false).stream, stderr: err.stream })
    feed(p.report)
    p.end()
    expect(err.text().split('\n')).toHaveLength(2)
    expect(err.text()).toContain('\r[########################] 100% index: Indexed 100 of 100')
  })

  it('prints a few plain lines when stderr is not a terminal', () => {
    const err = sink(false)
    const p = progressReporter({ stdout: sink(false).stream, stderr: err.stream })
    feed(p.report)
    p.end()
    const lines = err.text().trim().split('\n')
    expect(lines.length).toBeLessThanOrEqual(5)
    expect(lines.at(-1)).toBe('index: Indexed 100 of 100')
    expect(err.text()).not.toContain('\r')
  })
})

describe('runCli', () => {
  it('exits 2 with a one-line error for unknown commands and options', async () => {
    const out = sink(false)
    const err = sink(false)
    expect(await runCli(['dataset', 'nope'], { stdout: out.stream, stderr: err.stream })).toBe(2)
    expect(err.text().split('\n')[0]).toBe('error: unknown command "dataset nope"')
    const err2 = sink(false)
    expect(await runCli(['dataset', 'demo', '--out', '/tmp/x', '--count', 'many'], { stdout: out.stream, stderr: err2.stream })).toBe(2)
    expect(err2.text()).toBe('error: --count must be a non-negative integer, got "many"\n')
    const err3 = sink(false)
    expect(await runCli(['dataset', 'index', '.', '--frob'], { stdout: out.stream, stderr: err3.stream })).toBe(2)
    expect(err3.text()).toMatch(/^error: Unknown option '--frob'/)
    expect(out.text()).toBe('')
  })
})
