/** Reciprocal rank fusion of ranked lists (Cormack et al.; k = 60 is the usual constant). */
import type { SearchHit } from './store.ts';

export function reciprocalRankFusion(lists: readonly (readonly SearchHit[])[], topK: number, k = 60): SearchHit[] {
  const fused = new Map<string, SearchHit>();
  for (const list of lists) {
    list.forEach((hit, rank) => {
      const prev = fused.get(hit.chunkId);
      const add = 1 / (k + rank + 1);
      fused.set(hit.chunkId, { ...hit, score: (prev?.score ?? 0) + add });
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score || a.chunkId.localeCompare(b.chunkId)).slice(0, topK);
}
