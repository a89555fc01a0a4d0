/** Electron app lifecycle: one window, IPC wired to the shared handlers. */
import { app, BrowserWindow, dialog } from 'electron'
import { join, resolve } from 'node:path'
import { createMainWindow, registerAppScheme, serveAppScheme } from './window'
import { trustedOrigins } from './window-policy'
import { registerIpc } from './ipc'
import { createHandlers } from './handlers'
import { JobRegistry } from './services/job-service'
import { builtinModelDirs } from './engine/builtin-models'
import { ModelLibrary } from './services/model-library'
import { dataDirFor } from './services/user-data'
import { startUtilityJob } from './utility-jobs'

/** `--data <dir>` from the command line (`electron . --data DIR`), if given. */
function dataArg(argv: string[]): string | null {
  const i = argv.indexOf('--data')
  return i >= 0 && argv[i + 1] ? resolve(argv[i + 1]) : null
}

app.enableSandbox()
registerAppScheme()

void app.whenReady().then(() => {
  serveAppScheme(join(import.meta.dirname, '../renderer'))
  let win = createMainWindow()
  const initialDataset = dataArg(process.argv)
  const jobs = new JobRegistry()
  let closing = false
  app.on('before-quit', (event) => {
    if (closing || jobs.running().length === 0) return
    event.preventDefault()
    closing = true
    void jobs.closeAll().finally(() => app.quit())
  })
  const library = new ModelLibrary(dataDirFor(app.getPath('userData')), builtinModelDirs)
  const allow = initialDataset ? [initialDataset] : []
  const handlers = createHandlers({ jobs, library, allow })
  const origins = trustedOrigins(app.isPackaged, process.env.ELECTRON_RENDERER_URL)
  const ctx = {
    host: 'electron' as const,
    version: app.getVersion(),
    initialDataset,
    startJob: startUtilityJob,
    pickFolder: async (title?: string) => {
      const r = await dialog.showOpenDialog(win, {
        title: title ?? 'Choose a folder',
        properties: ['openDirectory', 'createDirectory']
      })
      return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0]
    }
  }
  registerIpc(() => win, handlers, ctx, origins, jobs)
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) win = createMainWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
