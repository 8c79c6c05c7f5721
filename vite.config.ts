import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The renderer is built into dist/renderer; both the Electron shell (app:// protocol)
// and the browser-mode server serve it as static files.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [svelte()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    // Inline assets would need data: in the CSP's script/style sources; keep them as files.
    assetsInlineLimit: 0,
    cssCodeSplit: false,
  },
});
