/** `switchboard approvals list|decide`: pending approvals through the HTTP API. */
import { Argument, type Command } from 'commander';
import { apiClient } from './api.ts';
import { apiAction, apiList, TEXT_CELL } from './output.ts';

export function registerApprovalCommands(program: Command): void {
  const approvals = program.command('approvals').description('List and decide pending approvals (HTTP API)');

  apiList(
    approvals
      .command('list')
      .description('Pending approvals of waiting runs')
      .option('--automation <id>', 'only approvals of this automation')
      .option('--mine', "only those the key's principal may decide now (its inbox)")
      .option('--limit <n>', 'one page of this many waiting runs (default: every page)', (v) => Number.parseInt(v, 10))
      .option('--cursor <cursor>', 'the page after the one that printed this cursor'),
    async (o: { automation?: string; mine?: boolean; limit?: number; cursor?: string; json?: boolean }) => {
      const filter = { automationId: o.automation, mine: o.mine };
      if (o.limit === undefined && o.cursor === undefined) return apiClient().listApprovals(filter);
      const page = await apiClient().listApprovalsPage({ ...filter, limit: o.limit, cursor: o.cursor });
      // The table or JSON goes to stdout; where the next page is, to stderr.
      process.stderr.write(`${page.items.length} shown of ${page.total} waiting run(s)${page.nextCursor ? `; next page: --cursor ${page.nextCursor}` : ''}\n`);
      return page.items;
    },
    [
      { header: 'workflow id', value: (a) => a.workflowId },
      { header: 'step', value: (a) => a.stepId },
      { header: 'approvers', value: (a) => (a.approvers.length ? a.approvers.join(',') : 'anyone') },
      { header: 'decided', value: (a) => `${a.decisions.length}/${a.quorum}` },
      { header: 'expires', value: (a) => a.expiresAt },
      { header: 'message', value: (a) => a.message, max: TEXT_CELL },
    ],
    '(no pending approvals)',
  );

  apiAction(
    approvals
      .command('decide')
      .description("Approve or reject a pending approval step, as the key's principal")
      .argument('<workflowId>', 'the waiting run')
      .argument('<stepId>', 'the approval step')
      .addArgument(new Argument('<decision>').choices(['approve', 'reject']))
      .option('--comment <text>', 'recorded with the decision')
      .option('--as <approver>', 'decide for this approver (the key needs approvals:act-as)'),
    (o: { comment?: string; as?: string; json?: boolean }, workflowId: string, stepId: string, decision: 'approve' | 'reject') => apiClient().decideApproval(workflowId, stepId, { decision, ...(o.comment ? { comment: o.comment } : {}), ...(o.as ? { approver: o.as } : {}) }),
    (d, _o, workflowId, stepId) => {
      process.stdout.write(`${d.decision === 'approve' ? 'approved' : 'rejected'} ${stepId} of ${workflowId} as ${d.approver}${d.decidedBy ? ` (by ${d.decidedBy})` : ''}\n`);
    },
  );
}
