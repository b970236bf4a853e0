import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The staff app. `vite build web` (npm run build:web) writes web/dist, which the Frontdesk
// server itself serves at `/` (src/platform/http/staff-app.ts).
export default defineConfig({
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, reportCompressedSize: false },
  logLevel: 'warn',
});
