import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The gateway serves web/dist at `/` (SPA fallback to index.html, hashed assets cached for
// a year). `npm run dev` proxies /api to a running gateway (./phonebill up, port 8080).
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    // The ops page and its chart library are a separate chunk, loaded by ADMINs only.
    chunkSizeWarningLimit: 300,
  },
  server: {
    proxy: { '/api': process.env.PHONEBILL_GATEWAY_URL ?? 'http://127.0.0.1:8080' },
  },
});
