// Builds the endpoint console (docs/console.md): Preact pages served by the gateway at /console.
//   npm run build             → dist/console (the gateway serves it)
//   npm run console:dev       → Vite dev server; /console/api and /console/session are proxied to the
//                               gateway at WEBHOOK_GATEWAY_URL (default http://127.0.0.1:5680)
import path from 'node:path';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const root = __dirname;
const gateway = process.env.WEBHOOK_GATEWAY_URL ?? 'http://127.0.0.1:5680';

export default defineConfig({
	root,
	base: '/console/',
	plugins: [preact()],
	build: {
		outDir: path.resolve(root, '../../dist/console'),
		emptyOutDir: true,
		// Chromium, Firefox and Safari of the last years: no polyfills, no inline helper script.
		target: 'es2022',
		modulePreload: { polyfill: false },
		// Everything inline-able still goes to files: the gateway's CSP forbids inline code and data.
		assetsInlineLimit: 0,
	},
	server: {
		proxy: {
			'/console/api': gateway,
			'/console/session': gateway,
		},
	},
});
