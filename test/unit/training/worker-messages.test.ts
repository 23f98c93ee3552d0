// Messages from the worker are validated on arrival: fake workers (a few lines of script each) send
// malformed messages, and the training run, backend probe, prediction and conversion each fail naming
// the message and the field, while a diverging run's NaN loss is news, not a malformed message.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FromWorker, TrainingData, TrainingJobInput } from '../../../src/shared/training-protocol'
import { exportTopology } from '../../../src/main/training/host/convert-client'
import { startPredictWorker } from '../../../src/main/training/host/predict-client'
import { probeBackend, startTrainingWorker } from '../../../src/main/training/host/worker-client'

let dir: string
let n = 0

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'worker-messages-'))
})
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true })
})

/** A worker script that answers every message it gets with `reply(m)`'s messages, in order. */
async function fakeWorker(reply: string): Promise<{ workerUrl: URL }> {
  const file = path.join(dir, `fake-${n++}.mjs`)
  const body = `import { parentPort } from 'node:worker_threads'
const reply = ${reply}
parentPort.on('message', (m) => { for (const out of reply(m)) parentPort.postMessage(out) })
`
  await fs.writeFile(file, body)
  return { workerUrl: pathToFileURL(file) }
}

const backend = `{ name: 'wasm', threads: 1, attempts: [{ backend: 'wasm', ok: true, reason: 'loaded' }] }`
const epoch = (meanLoss: string): string =>
  `{ type: 'epoch', epoch: 0, epochs: 1, meanLoss: ${meanLoss}, seconds: 1, etaSeconds: 0, metrics: null, health: null }`
const done = `{ type: 'done', cancelled: false, epochsDone: 1, steps: 1, lastLoss: NaN, metrics: null }`

const job = { runId: 'r1', phase: 'finetune', method: 'none' } as TrainingJobInput
function data(): TrainingData {
  return { size: 8, count: 1, images: new ArrayBuffer(8 * 8 * 3), trimaps: null }
}

describe('messages from the training worker', () => {
  it("fails the run on a malformed 'epoch' message, naming the field, and hears nothing after it", async () => {
    const opts = await fakeWorker(`() => [{ type: 'ready', backend: ${backend}, resumedFromEpoch: 0 }, ${epoch("'high'")}, ${done}]`)
    const seen: FromWorker['type'][] = []
    const handle = startTrainingWorker(job, data(), (m) => seen.push(m.type), opts)
    await expect(handle.done).rejects.toThrow("training worker sent a malformed 'epoch' message: meanLoss: expected a number")
    expect(seen).toEqual(['ready'])
  })

  it("takes a diverging run's NaN and infinite losses as they are", async () => {
    const opts = await fakeWorker(`() => [{ type: 'ready', backend: ${backend}, resumedFromEpoch: 0 }, ${epoch('NaN')}, ${epoch('Infinity')}, ${done}]`)
    const seen: FromWorker[] = []
    const end = await startTrainingWorker(job, data(), (m) => seen.push(m), opts).done
    expect(end.lastLoss).toBeNaN()
    expect(seen.map((m) => m.type)).toEqual(['ready', 'epoch', 'epoch', 'done'])
    expect(seen[2]).toMatchObject({ meanLoss: Infinity })
  })

  it('fails on a message of a type the protocol does not have', async () => {
    const opts = await fakeWorker(`() => [{ type: 'progress', epoch: 0 }]`)
    await expect(startTrainingWorker(job, data(), () => undefined, opts).done).rejects.toThrow(/training worker sent a malformed 'progress' message: type: /)
  })
})

describe('messages from the other workers', () => {
  it('fails a backend probe whose report has no attempts', async () => {
    const opts = await fakeWorker(`() => [{ type: 'backend', backend: { name: 'wasm', threads: 1 } }]`)
    await expect(probeBackend({}, opts)).rejects.toThrow("backend probe sent a malformed 'backend' message: backend.attempts: ")
  })

  it('fails a prediction whose classes are not an ArrayBuffer', async () => {
    const opts = await fakeWorker(`(m) => m.type === 'predict'
      ? [{ type: 'predictReady', backend: ${backend}, inputSize: 8 }]
      : m.type === 'predictBatch' ? [{ type: 'predicted', batch: m.batch, classes: [1, 2, 3], confidence: [0.9] }] : []`)
    const worker = startPredictWorker('/nowhere', {}, opts)
    await expect(worker.ready).resolves.toMatchObject({ inputSize: 8 })
    await expect(worker.predict(1, new ArrayBuffer(8 * 8 * 3))).rejects.toThrow("prediction worker sent a malformed 'predicted' message: classes: ")
    await worker.terminate()
  })

  it("fails a model conversion whose 'error' message is not { code, message }", async () => {
    const opts = await fakeWorker(`() => [{ type: 'error', error: 'out of memory' }]`)
    await expect(exportTopology({}, { worker: opts })).rejects.toThrow("model conversion worker sent a malformed 'error' message: error: expected { code, message } strings")
  })
})
