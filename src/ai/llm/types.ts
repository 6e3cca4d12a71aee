/** Provider-neutral chat types of the `llm` step (defined beside the workflows, which use them too). */
export * from '../../../workflows/ai-contracts.ts';
