/**
 * Choosing a folder, the same call in both hosts: Electron's native dialog, or in a browser the
 * folder chooser dialog (`FolderChooser.vue`) browsing the host's folders through `folder:list`.
 * The chosen folder is allow-listed by the host (`folder:choose`).
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import type { ChannelArg, FolderListing } from '../../../src-preload/contract'
import { client, errorText, useAppStore } from './app'

/** What the folder is for (outputs are made when missing), as `folder:choose` takes it. */
export type FolderPurpose = ChannelArg<'folder:choose'>['purpose']

/** A request to choose a folder. */
export interface FolderRequest {
  title: string
  purpose: FolderPurpose
  /** Where to start browsing (default: the user's home folder). */
  start?: string
  /** For an output: the input folder it will hold predictions of (checked by the host). */
  input?: string
}

/** The folder holding `dir` ('/' for a top-level one). */
function parentOf(dir: string): string {
  return dir.replace(/\/+$/, '').replace(/\/[^/]*$/, '') || '/'
}

/** The folder chooser store. */
export const useFolderChooserStore = defineStore('folder-chooser', () => {
  const request = ref<FolderRequest | null>(null)
  const listing = ref<FolderListing | null>(null)
  /** The folder typed or clicked, chosen with "Choose". */
  const path = ref('')
  const error = ref<string | null>(null)
  let settle: (path: string | null) => void = () => undefined

  /** Browse calls made, so that only the newest one's answer is shown. */
  let browsing = 0

  /**
   * Lists `dir` (falling back to the home folder when it cannot be listed). The path field takes
   * the listed folder unless the user typed in it while the listing was on its way; an answer
   * overtaken by a newer browse is dropped.
   */
  async function browse(dir?: string): Promise<void> {
    const call = ++browsing
    const typed = path.value
    try {
      const listed = await client().call('folder:list', dir ? { dir } : {})
      if (call !== browsing) return
      listing.value = listed
      if (path.value === typed) path.value = listed.dir
      error.value = null
    } catch (err) {
      if (call !== browsing) return
      error.value = errorText(err)
      if (!listing.value) listing.value = await client().call('folder:list', {})
    }
  }

  /**
   * Asks the user for a folder; resolves with it (allow-listed), or null when cancelled. In
   * Electron a folder the host refuses (an output inside the input's dataset) rejects.
   */
  async function choose(req: FolderRequest): Promise<string | null> {
    if (useAppStore().info?.host === 'electron') {
      const picked = (await client().call('dialog:open-folder', { title: req.title })).path
      if (!picked) return null
      const { input, purpose } = req
      return (
        await client().call('folder:choose', { path: picked, purpose, ...(input && { input }) })
      ).path
    }
    settle(null)
    request.value = req
    listing.value = null
    error.value = null
    const done = new Promise<string | null>((resolve) => (settle = resolve))
    await browse(req.start)
    if (req.start && req.purpose === 'output' && error.value !== null) {
      // an output folder is made when chosen: list where it will be, with its path ready
      await browse(parentOf(req.start))
      if (error.value === null) path.value = req.start
    }
    return done
  }

  /** Chooses the folder in `path`: the host checks and allow-lists it, the dialog closes. */
  async function confirm(): Promise<void> {
    const req = request.value
    if (!req || !path.value.trim()) return
    try {
      const r = await client().call('folder:choose', {
        path: path.value.trim(),
        purpose: req.purpose,
        ...(req.input ? { input: req.input } : {})
      })
      request.value = null
      settle(r.path)
    } catch (err) {
      error.value = errorText(err)
    }
  }

  /** Closes the dialog without a choice. */
  function cancel(): void {
    request.value = null
    settle(null)
  }

  return { request, listing, path, error, browse, choose, confirm, cancel }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useFolderChooserStore, import.meta.hot))
