// `bench:train -- --check`: the same few training steps on cpu and on webgpu, from the same weights and
// images, for each objective: the losses must agree within 1e-3 relative. Every project kernel of a
// step takes part, so one call on a real GPU (the .gpu folder has no test runner) says whether its
// adapter computes what SwiftShader did in the tests.
import * as tf from '@tensorflow/tfjs'
import { adam } from '../src/main/training/worker/adam'
import { makeRng } from '../src/main/training/worker/augment/random'
import { arraySource } from '../src/main/training/worker/data/source'
import { trainStep } from '../src/main/training/worker/loop'
import { buildSimclrModel } from '../src/main/training/worker/models/projection-head'
import { buildUnet } from '../src/main/training/worker/models/unet'
import type { Objective } from '../src/main/training/worker/objectives'
import { PAPER_SIMCLR_AUGMENT } from '../src/shared/training-protocol'

const SIZE = 16
const CHANNELS = [4, 8]
const STEPS = 3
export const CHECK_TOLERANCE = 1e-3

export type CheckName = 'dice' | 'simclr' | 'mae'

export const CHECK_OBJECTIVES: Record<CheckName, Objective> = {
  dice: { kind: 'segment' },
  // Jitter on every view, half flipped, half gray: every stage of the views kernel runs.
  simclr: { kind: 'simclr', viewSize: SIZE, augment: { ...PAPER_SIMCLR_AUGMENT, jitterProb: 1, flipProb: 0.5, grayProb: 0.5 } },
  mae: { kind: 'mae', mask: 'patch', patch: 4 },
}

function seeded(n: number, seed: number, lo: number, hi: number): Float32Array {
  const rng = makeRng(seed)
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rng())
}

/** The losses of STEPS Adam steps of a small U-Net (SimCLR: its encoder and head) on the current backend. */
export async function checkSteps(objective: Objective): Promise<number[]> {
  const unet = buildUnet({ inputSize: SIZE, channels: CHANNELS, skips: true, outChannels: 3, outActivation: objective.kind === 'mae' ? 'sigmoid' : 'softmax' })
  const model = objective.kind === 'simclr' ? buildSimclrModel(unet, CHANNELS) : unet
  // The initialisers are not seeded: the same weights on both backends come from here.
  tf.tidy(() => model.setWeights(model.getWeights().map((w, i) => tf.tensor(seeded(w.size, 100 + i, -0.4, 0.4), w.shape))))
  const images = [0, 1, 2].map((i) => Uint8Array.from(seeded(SIZE * SIZE * 3, 10 + i, 0, 255), Math.floor))
  const trimaps = [0, 1, 2].map((i) => Uint8Array.from(seeded(SIZE * SIZE, 20 + i, 0, 3.999), Math.floor))
  const opt = adam(1e-2)
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const losses: number[] = []
  for (let s = 0; s < STEPS; s++) losses.push(await trainStep(model, arraySource(SIZE, images, trimaps), [0, 1, 2], objective, opt, vars, s))
  model.dispose()
  opt.dispose()
  return losses
}

export interface CheckResult {
  check: string
  cpu: number[]
  webgpu: number[]
  rel_error: number
  ok: boolean
}

/** Each objective on cpu, then on webgpu (which selectBackend has already started). */
export async function checkWebgpu(): Promise<CheckResult[]> {
  const out: CheckResult[] = []
  for (const [name, objective] of Object.entries(CHECK_OBJECTIVES)) {
    await tf.setBackend('cpu')
    const cpu = await checkSteps(objective)
    await tf.setBackend('webgpu')
    const webgpu = await checkSteps(objective)
    const scale = Math.max(...cpu.map(Math.abs))
    const rel = Math.max(...cpu.map((v, i) => Math.abs(webgpu[i]! - v))) / scale
    out.push({ check: name, cpu, webgpu, rel_error: Number(rel.toExponential(2)), ok: rel <= CHECK_TOLERANCE })
  }
  return out
}
