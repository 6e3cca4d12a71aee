/**
 * Chunk storage and retrieval on SQL: SQLite (FTS5 BM25, embeddings scored in-process)
 * and PostgreSQL (tsvector full text; pgvector cosine distance when the migration found
 * the extension, else in-process). Raw SQL because the search operators have no ORM form.
 */
import { parseJsonColumn, type Row, type SqlExecutor } from './sql.ts';

/** Equality filter on chunk (document) metadata. */
export type MetadataFilter = Record<string, string | number | boolean>;

export interface NewChunk {
  chunkId: string;
  ordinal: number;
  text: string;
  embedding?: number[] | undefined;
}

export interface SearchHit {
  chunkId: string;
  documentId: string;
  text: string;
  metadata: Record<string, unknown>;
  score: number;
}

const INSERT_ROWS_PER_STATEMENT = 100;

/** Search terms of a free-text query: lower-case letters and digits, deduplicated. */
export function queryTerms(query: string): string[] {
  return [...new Set(query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])].slice(0, 64);
}

/** Cosine similarity of two vectors of equal length. */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * Embedding dimensions with an HNSW index (cosine) on PostgreSQL with pgvector
 * (migration `Migration20261206203000_rag_hnsw`); other dimensions are scanned exactly.
 */
export const HNSW_DIMENSIONS: readonly number[] = [256, 384, 512, 768, 1024, 1536];

/**
 * Without pgvector, vector search loads an index's embeddings and scores them in the
 * process: fine up to about this many chunks per index (tens of MB of JSON per query).
 * Past it the store warns once; use PostgreSQL with pgvector or a vector-store connection.
 */
export const IN_PROCESS_SCORING_LIMIT = 20_000;

export class ChunkStore {
  private pgvector: Promise<boolean> | undefined;
  private warnedLarge = false;
  private readonly warn: (message: string) => void;
  private readonly inProcessScoringLimit: number;

  /** `warn` receives the one-time warning that an index outgrew in-process scoring (default: a process warning). */
  constructor(
    private readonly db: SqlExecutor,
    opts: { warn?: (message: string) => void; inProcessScoringLimit?: number } = {},
  ) {
    this.warn = opts.warn ?? ((m) => process.emitWarning(m, 'SwitchboardRagWarning'));
    this.inProcessScoringLimit = opts.inProcessScoringLimit ?? IN_PROCESS_SCORING_LIMIT;
  }

  /** True when chunks carry a pgvector column (PostgreSQL with the extension). */
  hasPgvector(): Promise<boolean> {
    if (this.db.dialect !== 'postgresql') return Promise.resolve(false);
    return (this.pgvector ??= this.db
      .all(`select 1 as ok from information_schema.columns where table_name = 'rag_chunks_search' and column_name = 'embedding_vec'`)
      .then((rows) => rows.length > 0));
  }

  /**
   * Replaces every chunk of a document in one transaction: a retry or a re-ingest
   * after a crash finds either the old chunks or the new ones, never both.
   */
  async replaceDocumentChunks(indexId: string, documentId: string, metadata: Record<string, unknown>, chunks: readonly NewChunk[]): Promise<void> {
    const vec = await this.hasPgvector();
    await this.db.transaction(async (tx) => {
      await tx.run('delete from rag_chunks where index_id = ? and document_id = ?', [indexId, documentId]);
      for (let i = 0; i < chunks.length; i += INSERT_ROWS_PER_STATEMENT) {
        const slice = chunks.slice(i, i + INSERT_ROWS_PER_STATEMENT);
        const json = this.db.dialect === 'postgresql' ? 'cast(? as jsonb)' : '?';
        const row = `(?, ?, ?, ?, ?, ${json}, ?)`;
        const params: unknown[] = [];
        for (const c of slice) {
          params.push(c.chunkId, indexId, documentId, c.ordinal, c.text, JSON.stringify(metadata), c.embedding ? JSON.stringify(c.embedding) : null);
        }
        await tx.run(`insert into rag_chunks (chunk_id, index_id, document_id, ordinal, text, metadata, embedding) values ${slice.map(() => row).join(', ')}`, params);
      }
      if (vec) {
        // The JSON array text is also pgvector's input format.
        await tx.run(
          `update rag_chunks_search s set embedding_vec = cast(c.embedding as vector)
           from rag_chunks c where c.id = s.id and c.index_id = ? and c.document_id = ? and c.embedding is not null`,
          [indexId, documentId],
        );
      }
    });
  }

  async deleteIndex(indexId: string): Promise<void> {
    await this.db.run('delete from rag_chunks where index_id = ?', [indexId]);
  }

  async countChunks(indexId: string, documentId?: string): Promise<number> {
    const rows = documentId
      ? await this.db.all('select count(*) as n from rag_chunks where index_id = ? and document_id = ?', [indexId, documentId])
      : await this.db.all('select count(*) as n from rag_chunks where index_id = ?', [indexId]);
    return Number(rows[0]?.['n'] ?? 0);
  }

  /** Full-text search: BM25 on SQLite, ts_rank on PostgreSQL. Terms are OR-ed. */
  async keywordSearch(indexId: string, query: string, topK: number, filter: MetadataFilter = {}): Promise<SearchHit[]> {
    const terms = queryTerms(query);
    if (terms.length === 0) return [];
    const [filterSql, filterParams] = this.filterClause(filter);
    if (this.db.dialect === 'sqlite') {
      const match = terms.map((t) => `"${t}"`).join(' OR ');
      const rows = await this.db.all(
        `select c.chunk_id, c.document_id, c.text, c.metadata, bm25(rag_chunks_fts) as rank
         from rag_chunks_fts join rag_chunks c on c.id = rag_chunks_fts.rowid
         where rag_chunks_fts match ? and c.index_id = ?${filterSql}
         order by rank limit ?`,
        [match, indexId, ...filterParams, topK],
      );
      return rows.map((r) => toHit(r, -Number(r['rank'])));
    }
    const rows = await this.db.all(
      `select c.chunk_id, c.document_id, c.text, c.metadata, ts_rank(s.tsv, q.q) as rank
       from rag_chunks c join rag_chunks_search s on s.id = c.id, to_tsquery('english', ?) as q(q)
       where c.index_id = ? and s.tsv @@ q.q${filterSql}
       order by rank desc, c.id limit ?`,
      [terms.join(' | '), indexId, ...filterParams, topK],
    );
    return rows.map((r) => toHit(r, Number(r['rank'])));
  }

  /** Nearest chunks by cosine similarity (pgvector when present, else in-process). */
  async vectorSearch(indexId: string, vector: readonly number[], topK: number, filter: MetadataFilter = {}): Promise<SearchHit[]> {
    const [filterSql, filterParams] = this.filterClause(filter);
    if (await this.hasPgvector()) {
      const v = JSON.stringify(vector);
      const d = vector.length;
      // An indexed dimension is searched through its HNSW index: the same expression and
      // predicate as the partial index, ordered by distance alone (approximate nearest).
      const [col, arg, where, tie] = HNSW_DIMENSIONS.includes(d)
        ? [`(s.embedding_vec::vector(${d}))`, `cast(? as vector(${d}))`, `vector_dims(s.embedding_vec) = ${d}`, '']
        : ['s.embedding_vec', 'cast(? as vector)', 's.embedding_vec is not null', ', c.id'];
      const rows = await this.db.all(
        `select c.chunk_id, c.document_id, c.text, c.metadata, 1 - (${col} <=> ${arg}) as similarity
         from rag_chunks_search s join rag_chunks c on c.id = s.id
         where ${where} and c.index_id = ?${filterSql}
         order by ${col} <=> ${arg}${tie} limit ?`,
        [v, indexId, ...filterParams, v, topK],
      );
      return rows.map((r) => toHit(r, Number(r['similarity'])));
    }
    const rows = await this.db.all(
      `select c.chunk_id, c.document_id, c.text, c.metadata, c.embedding from rag_chunks c
       where c.index_id = ? and c.embedding is not null${filterSql}`,
      [indexId, ...filterParams],
    );
    if (rows.length > this.inProcessScoringLimit && !this.warnedLarge) {
      this.warnedLarge = true;
      this.warn(`RAG index ${indexId} has ${rows.length} embedded chunks, more than in-process scoring is meant for (${this.inProcessScoringLimit}); use PostgreSQL with pgvector or a vector-store connection`);
    }
    return rows
      .map((r) => toHit(r, cosine(vector, JSON.parse(String(r['embedding'])) as number[])))
      .sort((a, b) => b.score - a.score)
      .slice(0, topK);
  }

  private filterClause(filter: MetadataFilter): [string, unknown[]] {
    let sql = '';
    const params: unknown[] = [];
    for (const [key, value] of Object.entries(filter)) {
      if (this.db.dialect === 'sqlite') {
        sql += ' and json_extract(c.metadata, ?) = ?';
        params.push(`$."${key.replace(/["\\]/g, '\\$&')}"`, typeof value === 'boolean' ? Number(value) : value);
      } else {
        sql += ' and (c.metadata ->> ?) = ?';
        params.push(key, String(value));
      }
    }
    return [sql, params];
  }
}

function toHit(r: Row, score: number): SearchHit {
  return {
    chunkId: String(r['chunk_id']),
    documentId: String(r['document_id']),
    text: String(r['text']),
    metadata: parseJsonColumn<Record<string, unknown>>(r['metadata'], {}),
    score,
  };
}
