// Mounts TrimapEditor on a generated image and trimap (size from ?size=, default 1000) and exposes
// hooks for the benchmark: recorded saves, a switch to make saves fail, the stage element.
import { createApp, h, ref } from 'vue'
import TrimapEditor from '../../../src/renderer/src/editor/TrimapEditor.vue'

const size = Number(new URLSearchParams(location.search).get('size') ?? 1000)

function makeImage() {
  const c = document.createElement('canvas')
  c.width = size
  c.height = size
  const g = c.getContext('2d')
  const grad = g.createLinearGradient(0, 0, size, size)
  grad.addColorStop(0, '#556')
  grad.addColorStop(1, '#cba')
  g.fillStyle = grad
  g.fillRect(0, 0, size, size)
  return c.toDataURL('image/png')
}

// Background with a pet disc in the middle and a 4-pixel border ring.
function makeTrimap() {
  const data = new Uint8Array(size * size).fill(2)
  const c = size / 2
  const r = size / 4
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x + 0.5 - c, y + 0.5 - c)
      if (d < r - 2) data[y * size + x] = 1
      else if (d < r + 2) data[y * size + x] = 3
    }
  }
  return { width: size, height: size, data }
}

const saves = []
window.__harness = { saves, failSave: false, size }
const props = { imageId: 1, imageUrl: makeImage(), trimap: makeTrimap(), width: size, height: size }
const current = ref(props)

async function save(imageId, trimap) {
  if (window.__harness.failSave) throw new Error('disk full (simulated)')
  saves.push({ imageId, at: performance.now(), counts: countValues(trimap.data) })
}

function countValues(data) {
  const counts = [0, 0, 0, 0]
  for (const v of data) counts[v] = (counts[v] ?? 0) + 1
  return counts
}

window.__harness.open = (imageId, trimap) => {
  current.value = { ...props, imageId, trimap }
}

createApp({ render: () => h(TrimapEditor, { ...current.value, save }) }).mount('#app')
