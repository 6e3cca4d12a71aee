import { useEffect, useState } from 'react';

/** Loads now and every `ms` while the page is open ("live" lists without a socket). */
export function usePoll<T>(load: () => Promise<T>, ms: number, deps: unknown[]): { data: T | null; error: unknown; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    const once = () =>
      load()
        .then((d) => live && (setData(d), setError(null)))
        .catch((e: unknown) => live && setError(e));
    void once();
    const timer = window.setInterval(() => void once(), ms);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [...deps, tick]);
  return { data, error, reload: () => setTick((t) => t + 1) };
}
