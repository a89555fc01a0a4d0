import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { setApi } from '../../../src-renderer/src/stores/app'
import { useFolderChooserStore } from '../../../src-renderer/src/stores/folder-chooser'
import { fakeApi } from '../fake-api'

/** A host whose folder listings arrive when the test lets them, in any order. */
function slowHost() {
  const pending: { dir: string; answer: () => void }[] = []
  const api = fakeApi({
    'folder:list': (a: { dir?: string }) =>
      new Promise((resolve) => {
        const dir = a.dir ?? '/root'
        pending.push({ dir, answer: () => resolve({ dir, parent: null, entries: [] }) })
      })
  })
  /** Answers the listing of `dir`, then lets the store take it. */
  const answer = async (dir: string) => {
    pending.find((p) => p.dir === dir)!.answer()
    await new Promise((r) => setTimeout(r, 0))
  }
  return { api, answer }
}

describe('the folder chooser (browser host)', () => {
  beforeEach(() => setActivePinia(createPinia()))
  afterEach(() => setApi(null))

  it('keeps a path typed while the first listing is on its way', async () => {
    const { api, answer } = slowHost()
    setApi(api)
    const chooser = useFolderChooserStore()
    void chooser.choose({ title: 'Add a model', purpose: 'input' })
    chooser.path = '/tmp/walk/model'
    await answer('/root')
    expect(chooser.listing?.dir).toBe('/root')
    expect(chooser.path).toBe('/tmp/walk/model')
    // a folder clicked afterwards does take the path field
    void chooser.browse('/data')
    await answer('/data')
    expect(chooser.path).toBe('/data')
  })

  it('shows the folder clicked last, whatever order the listings arrive in', async () => {
    const { api, answer } = slowHost()
    setApi(api)
    const chooser = useFolderChooserStore()
    void chooser.choose({ title: 'Open', purpose: 'input', start: '/start' })
    await answer('/start')
    void chooser.browse('/a')
    void chooser.browse('/b')
    await answer('/b')
    await answer('/a')
    expect(chooser.listing?.dir).toBe('/b')
    expect(chooser.path).toBe('/b')
  })

  it('opens a missing output folder at the folder it will be made in, its path ready to choose', async () => {
    const api = fakeApi({
      'folder:list': (a: { dir?: string }) => {
        if (a.dir === '/data/cells-predictions') throw new Error(`${a.dir}: no such folder`)
        return { dir: a.dir ?? '/root', parent: null, folders: [], images: 0 }
      }
    })
    setApi(api)
    const chooser = useFolderChooserStore()
    void chooser.choose({
      title: 'Predictions',
      purpose: 'output',
      start: '/data/cells-predictions'
    })
    await new Promise((r) => setTimeout(r, 0))
    expect(chooser.listing?.dir).toBe('/data')
    expect(chooser.path).toBe('/data/cells-predictions')
    expect(chooser.error).toBeNull()
    // an input that is not there is an error to show
    void chooser.choose({ title: 'Images', purpose: 'input', start: '/data/cells-predictions' })
    await new Promise((r) => setTimeout(r, 0))
    expect(chooser.error).toContain('no such folder')
    expect(chooser.listing?.dir).toBe('/root')
  })
})
