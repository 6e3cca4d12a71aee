/**
 * Debian's Chromium driven by playwright-core (the registry cannot serve Playwright's own
 * browser downloads; the global setup installs the `chromium` package when it is missing, test/support/provision.ts).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: sudo apt-get install -y chromium (npm test installs it when run as root)`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
