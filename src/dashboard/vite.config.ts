import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

/** The dashboard: one HTML page, hashed assets under /assets, served by the Fastify app. */
export default defineConfig({
  root: here,
  base: "/",
  plugins: [react()],
  // The app's own server serves the build; `vite dev` proxies the API to it.
  server: {
    proxy: {
      "/api": "http://127.0.0.1:3000",
      "/barecancel.js": "http://127.0.0.1:3000",
      "/barecancel-offer.js": "http://127.0.0.1:3000",
    },
  },
  build: {
    outDir: fileURLToPath(new URL("../../dist/dashboard", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    // No inline data: URLs for assets: the CSP allows images from 'self' and data:, but
    // fonts and scripts only from 'self'.
    assetsInlineLimit: 0,
    // Under the strict CSP the preload polyfill would have nothing to do: browsers we support
    // know modulepreload.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
