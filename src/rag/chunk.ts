/**
 * Splits text into overlapping chunks of about `size` characters, cutting at
 * whitespace so words stay whole. Deterministic: the same text and settings always
 * give the same chunks (and so the same chunk ids).
 */
import { createHash } from 'node:crypto';
import type { RagChunkingConfig } from '../db/entities/index.ts';

export const DEFAULT_CHUNKING: RagChunkingConfig = { size: 1000, overlap: 150 };

/**
 * @example
 * chunkText('a b c d e f', { size: 5, overlap: 2 }) // ['a b c', 'c d e', 'e f']
 */
export function chunkText(text: string, { size, overlap }: RagChunkingConfig): string[] {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length === 0) return [];
  if (clean.length <= size) return [clean];
  const chunks: string[] = [];
  let start = 0;
  while (start < clean.length) {
    let end = Math.min(start + size, clean.length);
    if (end < clean.length) {
      // Prefer the last space in the second half of the window.
      const space = clean.lastIndexOf(' ', end);
      if (space > start + size / 2) end = space;
    }
    chunks.push(clean.slice(start, end).trim());
    if (end >= clean.length) break;
    let next = Math.max(end - overlap, start + 1);
    // Start the next chunk at a word boundary.
    if (next > 0 && clean[next - 1] !== ' ') {
      const space = clean.indexOf(' ', next);
      next = space === -1 || space >= end ? next : space + 1;
    }
    start = next;
  }
  return chunks.filter(Boolean);
}

/** Stable public id of a chunk: derived from where it is and what it says. */
export function chunkIdOf(indexId: string, documentId: string, ordinal: number, text: string): string {
  const h = createHash('sha256').update(`${indexId}\0${documentId}\0${ordinal}\0${text}`).digest('base64url');
  return `chk_${h.slice(0, 22)}`;
}
