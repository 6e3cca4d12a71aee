#!/usr/bin/env node
// Entry point of the `switchboard` CLI. Runs the TypeScript sources through tsx so
// that the same files serve the CLI, the tests and the Temporal workflow bundler.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 17)) {
  console.error(
    `switchboard needs Node.js 22.17 or newer (24 LTS recommended); this is ${process.version}. ` +
      'Run it through npm (`npm start`), which puts the project-pinned Node first on PATH.',
  );
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
await import('../src/cli.ts');
