// @vitest-environment happy-dom
// The queue's "runs at a time" control: shows the service's setting and limit, sends a change, and
// shows the service's value again (with the reason in the alerts) when a change is refused.
import { describe, expect, it } from 'vitest'
import ConcurrencySetting from '../../../src/renderer/src/components/runs/ConcurrencySetting.vue'
import { useErrorStore } from '../../../src/renderer/src/stores/errors'
import { AppError } from '../../../src/shared/errors'
import { fakeApi, settle } from './fake-api'
import { get, mount } from './mount'

async function mountSetting(limit: number) {
  let max = 1
  const api = fakeApi({
    'runs:concurrency': () => ({ max, limit, running: [] }),
    'runs:setConcurrency': ({ max: m }) => {
      if (m > limit) throw new AppError('BAD_INPUT', `runs at a time can be at most ${limit} here (one per core), not ${m}`)
      max = m
      return { max, limit, running: [] }
    },
  })
  const { root: el } = mount(ConcurrencySetting, { api })
  await settle()
  const input = get<HTMLInputElement>('concurrency-max')
  const change = async (v: string) => {
    input.value = v
    input.dispatchEvent(new Event('input'))
    input.dispatchEvent(new Event('change'))
    await settle()
  }
  return { api, el, input, change }
}

describe('runs at a time', () => {
  it('shows the setting and its limit, and sends a change to the service', async () => {
    const { api, el, input, change } = await mountSetting(4)
    expect(input.value).toBe('1')
    expect(input.max).toBe('4')
    expect(el.textContent).toContain('at most 4')
    await change('3')
    expect(api.calls.at(-1)).toEqual({ channel: 'runs:setConcurrency', arg: { max: 3 } })
    expect(input.value).toBe('3')
  })

  it('shows the refusal and goes back to the service\'s value', async () => {
    const { input, change } = await mountSetting(2)
    await change('5')
    expect(useErrorStore().errors).toMatchObject([{ context: 'Could not change the runs-at-a-time setting', message: expect.stringContaining('at most 2') }])
    expect(input.value).toBe('1')
  })
})
