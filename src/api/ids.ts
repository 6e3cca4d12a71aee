/**
 * Shared schemas of identifiers in paths and queries. Ids are printable text: a
 * control character (`%00`) can name nothing we store, so it is refused with 400
 * before it reaches the database or a Temporal visibility query.
 */
import { z } from 'zod';

/** An id in a path or query: 1-512 characters, no control characters. */
export const idString = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters');
