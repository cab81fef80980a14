import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The API serves the build from web/dist (api/src/portal): hashed files under /assets, no
// inline script (the portal's Content-Security-Policy allows none).
export default defineConfig({
  plugins: [react()],
  // One React: npm hoists @tanstack/react-query to the root, where another package's React 18 lives.
  resolve: { dedupe: ['react', 'react-dom'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
