/**
 * Custom search attributes that make runs findable in the Temporal UI and through
 * visibility queries. The dev server registers them at start; on a self-hosted
 * cluster `switchboard migrate` registers them (docs/concepts/events-and-runs.md lists them).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SA = {
  automationId: defineSearchAttributeKey('SwitchboardAutomationId', SearchAttributeType.KEYWORD),
  automationVersion: defineSearchAttributeKey('SwitchboardAutomationVersion', SearchAttributeType.INT),
  triggerType: defineSearchAttributeKey('SwitchboardTriggerType', SearchAttributeType.KEYWORD),
  connector: defineSearchAttributeKey('SwitchboardConnector', SearchAttributeType.KEYWORD),
  connectionId: defineSearchAttributeKey('SwitchboardConnectionId', SearchAttributeType.KEYWORD),
  eventType: defineSearchAttributeKey('SwitchboardEventType', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('SwitchboardStatus', SearchAttributeType.KEYWORD),
  /** The workflow id of the run a re-drive started again (set at start of the re-drive). */
  redriveOf: defineSearchAttributeKey('SwitchboardRedriveOf', SearchAttributeType.KEYWORD),
  /** The rendered `debounce`/`batch` key a collected run was started for (set at start by workflows/collector.ts). */
  triggerKey: defineSearchAttributeKey('SwitchboardTriggerKey', SearchAttributeType.KEYWORD),
  /** The rendered `concurrency.key` of a run (`*` without a key), set when it asks for its slot. */
  concurrencyKey: defineSearchAttributeKey('SwitchboardConcurrencyKey', SearchAttributeType.KEYWORD),
  /**
   * The inbox index: who may still decide a pending approval of the run (`*`: anyone with
   * approvals:decide; `!<principal>`: decided already on an approval that admits anyone).
   * Unset when nothing waits.
   */
  approvers: defineSearchAttributeKey('SwitchboardApprovers', SearchAttributeType.KEYWORD_LIST),
  /** The earliest deadline of the run's pending approvals (unset when nothing waits). */
  approvalDeadline: defineSearchAttributeKey('SwitchboardApprovalDeadline', SearchAttributeType.DATETIME),
} as const;

/** All keys, for registration. */
export const ALL_SEARCH_ATTRIBUTES = Object.values(SA);

/** `Name=Type` flags for `temporal server start-dev --search-attribute`. */
export function devServerSearchAttributeFlags(): string[] {
  const cliType: Record<string, string> = { KEYWORD: 'Keyword', INT: 'Int', TEXT: 'Text', BOOL: 'Bool', DATETIME: 'Datetime', DOUBLE: 'Double', KEYWORD_LIST: 'KeywordList' };
  return ALL_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${cliType[k.type]}`]);
}
