import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Laurel web: one SPA for stage, control room, jury, press, presenter, public and admin pages.
// The gateway serves dist/web/index.html for the page routes and dist/web/assets/* statically.
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  // The browser-safe contracts entry (also in tsconfig.json "paths"); the pages import nothing else from libs/.
  resolve: { alias: { '@laurel/contracts': fileURLToPath(new URL('../../libs/contracts/src/browser.ts', import.meta.url)) } },
  publicDir: false,
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    assetsDir: 'assets',
  },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/live': { target: 'http://localhost:3000', ws: true },
      '/socket.io': { target: 'http://localhost:3000', ws: true },
    },
  },
});
