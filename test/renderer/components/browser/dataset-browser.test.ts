import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import DatasetBrowser from '../../../../src-renderer/src/components/browser/DatasetBrowser.vue'
import { setApi } from '../../../../src-renderer/src/stores/app'
import { useDatasetStore } from '../../../../src-renderer/src/stores/dataset'
import { datasetInfo, fakeApi } from '../../fake-api'

describe('DatasetBrowser', () => {
  beforeEach(() => setActivePinia(createPinia()))
  afterEach(() => setApi(null))

  it('renders only the visible rows of 5000 samples and follows scrolling', async () => {
    setApi(fakeApi({ 'dataset:open': datasetInfo(5000), 'dataset:thumbnail': { png: 'AAAA' } }))
    const ds = useDatasetStore()
    await ds.open('/data/dsb')
    const wrapper = mount(DatasetBrowser, { attachTo: document.body })
    await nextTick()
    const rows = wrapper.findAll('[data-testid="sample-row"]')
    expect(rows.length).toBeGreaterThan(5)
    expect(rows.length).toBeLessThan(40)
    expect(rows[0].attributes('data-id')).toBe('s0000')
    expect(wrapper.find('[data-testid="sample-count"]').text()).toBe('5000')

    const list = wrapper.find('[data-testid="virtual-list"]')
    ;(list.element as HTMLElement).scrollTop = 50 * 2000
    await list.trigger('scroll')
    const ids = wrapper.findAll('[data-testid="sample-row"]').map((r) => r.attributes('data-id'))
    expect(ids).toContain('s2000')
    expect(ids).not.toContain('s0000')
    expect(ids.length).toBeLessThan(40)
    wrapper.unmount()
  })

  it('selects a sample on click and shows its status badge', async () => {
    setApi(fakeApi({ 'dataset:open': datasetInfo(4), 'dataset:thumbnail': { png: 'AAAA' } }))
    const ds = useDatasetStore()
    await ds.open('/data/dsb')
    const wrapper = mount(DatasetBrowser, { attachTo: document.body })
    await nextTick()
    const row = wrapper.find('[data-id="s0002"]')
    expect(row.find('[data-status]').attributes('data-status')).toBe('labelled')
    await row.trigger('click')
    expect(ds.selectedId).toBe('s0002')
    expect(wrapper.find('[data-id="s0002"]').classes()).toContain('selected')
    wrapper.unmount()
  })

  it('asks for the thumbnails again when the same folder is read again (rows kept)', async () => {
    const api = fakeApi({ 'dataset:open': datasetInfo(4), 'dataset:thumbnail': { png: 'AAAA' } })
    setApi(api)
    const ds = useDatasetStore()
    await ds.open('/data/dsb')
    const wrapper = mount(DatasetBrowser, { attachTo: document.body })
    const shown = async () => {
      await flushPromises()
      return wrapper.findAll('[data-testid="sample-row"] img').length
    }
    expect(await shown()).toBe(4)
    await ds.open('/data/dsb')
    expect(await shown()).toBe(4)
    const asked = api.calls.filter((c) => c.channel === 'dataset:thumbnail').length
    expect(asked).toBe(8)
    wrapper.unmount()
  })

  it('grid view shows tiles three to a row, still only the visible ones', async () => {
    setApi(fakeApi({ 'dataset:open': datasetInfo(5000), 'dataset:thumbnail': { png: 'AAAA' } }))
    const ds = useDatasetStore()
    await ds.open('/data/dsb')
    const wrapper = mount(DatasetBrowser, { attachTo: document.body })
    await wrapper.find('[data-testid="view-grid"]').trigger('click')
    const tiles = wrapper.findAll('[data-testid="sample-tile"]')
    expect(tiles.length).toBeGreaterThan(10)
    expect(tiles.length).toBeLessThan(100)
    expect(tiles.length % 3).toBe(0)
    await tiles[4].trigger('click')
    expect(ds.selectedId).toBe('s0004')
    wrapper.unmount()
  })
})
