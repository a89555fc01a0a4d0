/** Electron app lifecycle: one window, IPC wired to the shared handlers. */
import { app, BrowserWindow, dialog } from 'electron'
import { resolve } from 'node:path'
import { createMainWindow } from './window'
import { registerIpc } from './ipc'
import { createHandlers } from './handlers'
import { JobRegistry } from './services/job-service'
import { startUtilityJob } from './utility-jobs'

/** `--data <dir>` from the command line (`electron . --data DIR`), if given. */
function dataArg(argv: string[]): string | null {
  const i = argv.indexOf('--data')
  return i >= 0 && argv[i + 1] ? resolve(argv[i + 1]) : null
}

app.enableSandbox()

void app.whenReady().then(() => {
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
  registerIpc(() => win, createHandlers({ jobs, allow: initialDataset ? [initialDataset] : [] }), {
    host: 'electron',
    version: app.getVersion(),
    initialDataset,
    startJob: startUtilityJob,
    pickFolder: async (title) => {
      const r = await dialog.showOpenDialog(win, {
        title: title ?? 'Choose a folder',
        properties: ['openDirectory', 'createDirectory']
      })
      return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0]
    }
  })
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) win = createMainWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
