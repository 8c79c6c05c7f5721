import { screen, type BrowserWindow, type Rectangle } from 'electron';
import type { Settings } from '../app/settings.js';

const DEFAULT_SIZE = { width: 1280, height: 820 };
const SAVE_DELAY_MS = 500;

/** Where the window was last time, if that place is still on a screen. */
export function restoredBounds(settings: Settings): Partial<Rectangle> & { width: number; height: number; maximized: boolean } {
  const saved = settings.window;
  if (!saved) return { ...DEFAULT_SIZE, maximized: false };
  const visible =
    saved.x === undefined ||
    saved.y === undefined ||
    screen.getAllDisplays().some(({ workArea }) => saved.x! >= workArea.x - 50 && saved.y! >= workArea.y - 50 && saved.x! < workArea.x + workArea.width && saved.y! < workArea.y + workArea.height);
  return visible ? saved : { width: saved.width, height: saved.height, maximized: saved.maximized };
}

export function rememberWindowState(window: BrowserWindow, settings: Settings): void {
  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (window.isDestroyed()) return;
      const bounds = window.getNormalBounds();
      settings.setWindow({ ...bounds, maximized: window.isMaximized() });
    }, SAVE_DELAY_MS);
  };
  window.on('resize', save);
  window.on('move', save);
  window.on('close', () => {
    clearTimeout(timer);
    settings.setWindow({ ...window.getNormalBounds(), maximized: window.isMaximized() });
  });
}
