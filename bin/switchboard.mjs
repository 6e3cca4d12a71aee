#!/usr/bin/env node
// Entry point of the `switchboard` CLI. Two ways to run the same commands:
// - the compiled build, dist/src/cli/main.js (`npm run build`), with plain Node: when
//   NODE_ENV=production, and wherever the TypeScript sources or tsx are absent (the
//   installed package, the Docker image);
// - otherwise the TypeScript sources through tsx (a checkout: `npm start`, the tests),
//   so the same files serve the CLI, the tests and the Temporal workflow bundler.
import { existsSync } from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 17)) {
  console.error(
    `switchboard needs Node.js 22.17 or newer (24 LTS recommended); this is ${process.version}. ` +
      'Run it through npm (`npm start`), which puts the project-pinned Node first on PATH.',
  );
  process.exit(1);
}

const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
const sources = new URL('../src/cli/main.ts', import.meta.url);

async function loadTsx() {
  try {
    return await import('tsx/esm/api');
  } catch {
    return undefined;
  }
}

const tsx = process.env.NODE_ENV === 'production' || !existsSync(sources) ? undefined : await loadTsx();
if (tsx) {
  tsx.register();
  await import(sources.href);
} else if (existsSync(compiled)) {
  process.setSourceMapsEnabled(true);
  await import(compiled.href);
} else {
  console.error('switchboard: dist/ is missing. Run `npm run build` (production runs the compiled build), or `npm install` for the dev tooling.');
  process.exit(1);
}
