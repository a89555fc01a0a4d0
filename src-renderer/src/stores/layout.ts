/** Which side panels are open, kept across reloads; narrow windows start with the job panel folded. */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref, watch } from 'vue'

/** Below this window width the job panel starts folded (unless the user chose otherwise). */
export const NARROW_WINDOW = 1200
const KEY = 'unet-studio:layout'

interface Saved {
  samplesOpen?: boolean
  jobsOpen?: boolean
}

function saved(): Saved {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '{}') as Saved
  } catch {
    return {}
  }
}

/** The layout store. */
export const useLayoutStore = defineStore('layout', () => {
  const s = saved()
  const narrow = typeof window !== 'undefined' && window.innerWidth < NARROW_WINDOW
  const samplesOpen = ref(s.samplesOpen ?? true)
  const jobsOpen = ref(s.jobsOpen ?? !narrow)
  watch([samplesOpen, jobsOpen], () =>
    localStorage.setItem(
      KEY,
      JSON.stringify({ samplesOpen: samplesOpen.value, jobsOpen: jobsOpen.value })
    )
  )
  return { samplesOpen, jobsOpen }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useLayoutStore, import.meta.hot))
