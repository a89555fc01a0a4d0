/** Electron app lifecycle: one window, IPC wired to the shared handlers. */
import { app, BrowserWindow } from 'electron'
import { createMainWindow } from './window'
import { registerIpc } from './ipc'
import { createHandlers } from './handlers'

app.enableSandbox()

void app.whenReady().then(() => {
  const win = createMainWindow()
  registerIpc(win, createHandlers(), {
    host: 'electron',
    version: app.getVersion(),
    initialDataset: null
  })
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
