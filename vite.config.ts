import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

const root = fileURLToPath(new URL('./client', import.meta.url))
const outDir = fileURLToPath(new URL('./dist/client', import.meta.url))

// The client is built into dist/client and served by the sync server (`npm start`).
// `npm run dev` serves it with hot reload and proxies /api and /sync to a server on :8787.
export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir, emptyOutDir: true, sourcemap: true },
  worker: { format: 'es' },
  server: {
    proxy: {
      '/api': 'http://localhost:8787',
      '/sync': { target: 'ws://localhost:8787', ws: true },
    },
  },
})
