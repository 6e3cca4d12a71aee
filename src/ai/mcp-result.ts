export type { McpCallResult } from '../../workflows/ai-contracts.ts';
