// Builds the dashboard (dashboard/) into dist/dashboard: one bundle for the browser, the page and
// its styles. Part of `npm run build`, so that npm install (prepare) and npm start build it too.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'dist', 'dashboard');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
await build({
  entryPoints: [path.join(root, 'dashboard', 'src', 'main.tsx')],
  outfile: path.join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  target: 'es2020',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
});
for (const file of ['index.html', 'styles.css']) fs.copyFileSync(path.join(root, 'dashboard', file), path.join(out, file));
