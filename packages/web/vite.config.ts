import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The app is served by the kassa server at `/`; in development Vite proxies the API (and its
// event stream) to a server on the default port.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
});
