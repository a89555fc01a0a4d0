import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { useAppStore } from '../../../src-renderer/src/stores/app'

describe('app store', () => {
  beforeEach(() => localStorage.clear())

  it('comes back on the side panel tab last shown, Train at first', async () => {
    setActivePinia(createPinia())
    expect(useAppStore().tab).toBe('train')
    useAppStore().tab = 'predict'
    await nextTick()
    setActivePinia(createPinia())
    expect(useAppStore().tab).toBe('predict')
    localStorage.setItem('unet-studio:tab', 'nonsense')
    setActivePinia(createPinia())
    expect(useAppStore().tab).toBe('train')
  })
})
