/** Every workflow type the worker serves. Deterministic code only. */
export { selfCheckWorkflow } from './self-check.ts';
export { automationWorkflow } from './automation/workflow.ts';
export { ragIngestWorkflow } from './rag-ingest.ts';
export { connectorActionWorkflow } from './connector-action.ts';
export { eventWorkflow } from './event-router.ts';
export { foreachBatchWorkflow } from './automation/foreach-batch.ts';
export { pollTriggerWorkflow } from './poll-trigger.ts';
export { concurrencyKeeperWorkflow } from './concurrency-keeper.ts';
export { eventCollectorWorkflow } from './collector.ts';
