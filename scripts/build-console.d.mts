/** Builds console/dist with Vite when missing or stale; resolves true when it built. */
export function ensureConsoleBuilt(opts?: { force?: boolean }): Promise<boolean>;
