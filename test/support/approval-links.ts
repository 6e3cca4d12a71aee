/**
 * The run holds approval-link references (no MAC); the activity that sends a message signs
 * them. Tests that read references from a run's outputs sign them the same way.
 */
import { signLinksIn } from '../../src/approvals/links.ts';
import type { TestStack } from './stack.ts';

/** `links` (a reference, a pair or a map of pairs) as the sending activity of `workflowId` would sign them. */
export function signedLinks<T>(stack: TestStack, workflowId: string, links: T): T {
  return signLinksIn(stack.services.keyring, workflowId, links).value;
}
