// Data loading with TanStack Query: each GET of the API is a query keyed by its path, so pages
// share a cache (the connection list an editor loads is the one the list page shows), lists poll
// with `refetchInterval` while they are open, and a change invalidates what it touched.
import { keepPreviousData, QueryClient, useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api } from './api.ts';

/**
 * The console's query client. No retries: a failed load shows its error at once (a polled
 * list tries again at its next interval anyway).
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
}

/**
 * The query key of an API path: its segments, then its query string if any.
 * `/runs/abc?limit=5` → `['runs', 'abc', '?limit=5']`; invalidating `['runs']` reaches every
 * runs list and run, `['automations', id]` an automation with its schedule and versions.
 */
export function keyOf(path: string): string[] {
  const at = path.indexOf('?');
  const segments = (at < 0 ? path : path.slice(0, at)).split('/').filter(Boolean).map(decodeURIComponent);
  return at < 0 || at === path.length - 1 ? segments : [...segments, path.slice(at)];
}

export interface ApiQueryOptions {
  /** Reload every `poll` ms while the page is open ("live" lists without a socket). */
  poll?: number;
  /** Load only when true (a scope the key holds, a panel that is open). */
  enabled?: boolean;
  /** Keep showing the last answer while a changed path (a filter, a page) loads. */
  keepPrevious?: boolean;
  /** How long an answer counts as fresh (a version's text never changes: Infinity). */
  staleTime?: number;
  /**
   * Reload when the window regains focus (the default). An editor's first load is `false`:
   * it fills the form, and a reload must not overwrite what is being typed.
   */
  refetchOnWindowFocus?: boolean;
}

/** `GET /api/v1<path>` as a query; `path` null: nothing to load yet. */
export function useApi<T>(path: string | null, options: ApiQueryOptions = {}): UseQueryResult<T> {
  return useQuery({
    queryKey: path === null ? ['-'] : keyOf(path),
    queryFn: () => api<T>(path!),
    enabled: path !== null && options.enabled !== false,
    ...(options.poll ? { refetchInterval: options.poll } : {}),
    ...(options.keepPrevious ? { placeholderData: keepPreviousData } : {}),
    ...(options.staleTime !== undefined ? { staleTime: options.staleTime } : {}),
    ...(options.refetchOnWindowFocus !== undefined ? { refetchOnWindowFocus: options.refetchOnWindowFocus } : {}),
  });
}

/** Marks the queries under each path stale and reloads those on screen (after a change). */
export function useInvalidate(): (...paths: string[]) => Promise<void> {
  const client = useQueryClient();
  return useCallback((...paths: string[]) => Promise.all(paths.map((p) => client.invalidateQueries({ queryKey: keyOf(p) }))).then(() => undefined), [client]);
}
