import { describe, expect, it } from 'vitest';
import { chunkIdOf, chunkText } from '../../src/rag/chunk.ts';
import { reciprocalRankFusion } from '../../src/rag/fuse.ts';
import { cosine, queryTerms } from '../../src/rag/store.ts';
import { htmlToText } from '../../src/rag/fetch-document.ts';

const words = Array.from({ length: 400 }, (_, i) => `w${i}`).join(' ');

describe('chunkText', () => {
  it('keeps short text as one chunk and normalises whitespace', () => {
    expect(chunkText('  hello \n\n world ', { size: 100, overlap: 10 })).toEqual(['hello world']);
    expect(chunkText('   ', { size: 100, overlap: 10 })).toEqual([]);
  });

  it('cuts at whitespace within the size, overlapping by about `overlap`', () => {
    const chunks = chunkText(words, { size: 200, overlap: 40 });
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(200);
      for (const w of c.split(' ')) expect(w).toMatch(/^w\d+$/); // no word cut in half
    }
    for (let i = 1; i < chunks.length; i++) {
      const prevLast = chunks[i - 1]!.split(' ').slice(-3);
      // the next chunk starts inside the previous one (overlap) but moves forward
      expect(chunks[i - 1]).toContain(chunks[i]!.split(' ')[0]!);
      expect(chunks[i]).not.toEqual(chunks[i - 1]);
      expect(chunks[i]!.includes(prevLast[2]!)).toBe(true);
    }
    // every word is covered
    const covered = new Set(chunks.flatMap((c) => c.split(' ')));
    expect(covered.size).toBe(400);
  });

  it('without overlap covers the text exactly once', () => {
    const chunks = chunkText(words, { size: 150, overlap: 0 });
    expect(chunks.join(' ')).toBe(words);
  });

  it('is deterministic, and chunk ids depend on place and content', () => {
    expect(chunkText(words, { size: 300, overlap: 50 })).toEqual(chunkText(words, { size: 300, overlap: 50 }));
    const a = chunkIdOf('rag_1', 'doc', 0, 'text');
    expect(a).toMatch(/^chk_[\w-]{22}$/);
    expect(chunkIdOf('rag_1', 'doc', 0, 'text')).toBe(a);
    expect(chunkIdOf('rag_1', 'doc', 1, 'text')).not.toBe(a);
    expect(chunkIdOf('rag_2', 'doc', 0, 'text')).not.toBe(a);
    expect(chunkIdOf('rag_1', 'doc', 0, 'other')).not.toBe(a);
  });
});

describe('retrieval helpers', () => {
  it('fuses ranked lists by reciprocal rank', () => {
    const hit = (id: string) => ({ chunkId: id, documentId: id, text: id, metadata: {}, score: 0 });
    const fused = reciprocalRankFusion([[hit('a'), hit('b'), hit('c')], [hit('b'), hit('d'), hit('c')]], 3);
    expect(fused.map((h) => h.chunkId)).toEqual(['b', 'c', 'a']);
    expect(fused[0]!.score).toBeCloseTo(1 / 62 + 1 / 61);
  });

  it('extracts query terms safely for MATCH / to_tsquery', () => {
    expect(queryTerms(`Who's "leading" project Zorvath? (AND) OR NOT *`)).toEqual(['who', 's', 'leading', 'project', 'zorvath', 'and', 'or', 'not']);
    expect(queryTerms('???')).toEqual([]);
  });

  it('scores cosine similarity', () => {
    expect(cosine([1, 0], [1, 0])).toBeCloseTo(1);
    expect(cosine([1, 0], [0, 1])).toBeCloseTo(0);
    expect(cosine([0, 0], [1, 1])).toBe(0);
  });

  it('reduces HTML to text without scripts, styles or link targets', async () => {
    const text = await htmlToText('<html><head><style>p{}</style><script>alert(1)</script></head><body><h1>Title</h1><p>Hello <a href="https://x.example">world</a></p></body></html>');
    expect(text).toContain('Hello world');
    expect(text).toMatch(/TITLE|Title/);
    expect(text).not.toContain('alert');
    expect(text).not.toContain('x.example');
  });
});
