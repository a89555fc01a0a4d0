/**
 * Nothing lost on leaving: pending edits are saved when the page is hidden (tab switch, window
 * minimised) and sent on a path that outlives the page when it closes; while a save is still in
 * flight, closing asks for confirmation.
 */
import { onBeforeUnmount, onMounted } from 'vue'
import { useEditorStore } from '../../stores/editor'

/** Binds `visibilitychange`, `pagehide` and `beforeunload` while the editor is mounted. */
export function useSaveOnLeave(): void {
  const editor = useEditorStore()

  function hidden(): void {
    if (document.visibilityState === 'hidden') void editor.save()
  }

  function pagehide(): void {
    editor.saveOnHide()
  }

  function beforeunload(e: BeforeUnloadEvent): void {
    if (!editor.dirty && !editor.saving) return
    editor.saveOnHide()
    e.preventDefault()
    e.returnValue = ''
  }

  onMounted(() => {
    document.addEventListener('visibilitychange', hidden)
    window.addEventListener('pagehide', pagehide)
    window.addEventListener('beforeunload', beforeunload)
  })
  onBeforeUnmount(() => {
    document.removeEventListener('visibilitychange', hidden)
    window.removeEventListener('pagehide', pagehide)
    window.removeEventListener('beforeunload', beforeunload)
  })
}
