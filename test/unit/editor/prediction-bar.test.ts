// @vitest-environment happy-dom
// Accept prediction says plainly when it would replace the image's trimap, and how to get it back.
import { describe, expect, it } from 'vitest'
import PredictionBar from '../../../src/renderer/src/editor/PredictionBar.vue'
import { buildCommands } from '../../../src/renderer/src/editor/commands'
import { createTools } from '../../../src/renderer/src/editor/tools'
import { fakeApi } from '../renderer/fake-api'
import { $, mount } from '../renderer/mount'

const props = (replaces: boolean) => ({
  commands: buildCommands(createTools()),
  platform: 'other',
  runs: [{ id: 3, label: '#3 tiny' }],
  runId: 3,
  status: 'shown',
  message: '',
  opacity: 0.8,
  visible: true,
  locked: false,
  replaces,
})

describe('Accept prediction', () => {
  it('warns that it replaces the trimap (Undo brings it back) when the image has one', () => {
    const { root } = mount(PredictionBar, { api: fakeApi({}), props: props(true) })
    expect($('accept-replaces')?.textContent).toMatch(/replaces your trimap.*Undo/)
    const button = [...root.querySelectorAll('button')].find((b) => b.textContent?.includes('Accept prediction'))!
    expect(button.title).toMatch(/^Replaces your trimap.*Undo \(Ctrl\+Z\)/)
    expect(button.querySelector('kbd')?.textContent).toBe('Shift+A')
  })

  it('says nothing about replacing when there is no trimap yet', () => {
    mount(PredictionBar, { api: fakeApi({}), props: props(false) })
    expect($('accept-replaces')).toBeNull()
  })
})
