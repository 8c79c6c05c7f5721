import { Menu, app, type MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openFile(): void;
  openRecent(path: string): void;
  recentFiles(): { path: string; name: string }[];
}

/** The usual menus and shortcuts; File › Open and Open Recent reach the renderer through the same service. */
export function buildAppMenu(actions: MenuActions): void {
  const isMac = process.platform === 'darwin';
  const recent: MenuItemConstructorOptions[] = actions.recentFiles().map((file) => ({ label: file.name, toolTip: file.path, click: () => actions.openRecent(file.path) }));
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => actions.openFile() },
        { label: 'Open Recent', submenu: recent.length > 0 ? recent : [{ label: 'No recent files', enabled: false }] },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
      ],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ role: 'about' }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
