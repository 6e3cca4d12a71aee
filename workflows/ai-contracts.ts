/**
 * Contracts shared by the AI step executors (workflow side), their activities and the
 * LLM connectors. They live in the SDK (connectors/sdk/llm-contracts.ts, a pure module)
 * so connectors need not import upward; this module keeps the workflow-side import path.
 */
export * from '../connectors/sdk/llm-contracts.ts';
