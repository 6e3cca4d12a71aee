/**
 * The Google Sheets `new_rows` polling trigger through its Temporal Schedule against the
 * Sheets v4 fake (an OAuth connection's bearer token): the first poll starts from now, two
 * appended rows start two runs with the row by column name, an edit in place starts none;
 * the poll metrics count it; deleting the automation drops its poll state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PollStateRecord } from '../../src/db/entities/index.ts';
import { startSheetsFake, type SheetsFake } from '../support/fakes/sheets-api.ts';
import { createAutomation, getRun, waitFor } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection } from '../support/webhooks.ts';

const TOKEN = 'ya29.sheets-poll-token-0001';
const SHEET = 'sheet-poll-1';

describe('google_sheets.new_rows', () => {
  let stack: TestStack;
  let sheets: SheetsFake;

  beforeAll(async () => {
    sheets = await startSheetsFake((t) => t === TOKEN);
    sheets.sheets.set(SHEET, [['name', 'email'], ['Ada', 'ada@example.com']]);
    stack = await startTestStack({ dialect: 'sqlite', env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await sheets?.close();
  });

  const temporal = () => stack.services.temporal;
  const pollOnce = async (automationId: string) => {
    const schedule = temporal().client.schedule.getHandle(`automation:${automationId}`);
    const before = (await schedule.describe()).info.recentActions.length;
    await schedule.trigger();
    const action = await waitFor(async () => (await schedule.describe()).info.recentActions[before], 'the poll to start');
    const result: unknown = await temporal().client.workflow.getHandle(action.action.workflow.workflowId).result();
    await waitFor(async () => (await schedule.describe()).info.runningActions.length === 0, 'the schedule to see the poll close');
    return result;
  };

  it('starts one run per appended row, none for an edit; counts polls; deleting the automation drops its state', { timeout: 120_000 }, async () => {
    const connection = await createTestConnection(stack.services, 'google_sheets', { accessToken: TOKEN }, { baseUrl: sheets.url });
    const { id } = await createAutomation(stack, {
      name: 'new signups',
      trigger: { type: 'poll', connection, trigger: 'new_rows', interval: '1h', config: { spreadsheetId: SHEET, range: 'Sheet1!A:B' } },
      steps: [{ id: 'who', type: 'transform', output: { name: '{{ trigger.payload.fields.name }}', row: '{{ trigger.payload.row }}' } }],
    });
    expect(await pollOnce(id)).toEqual({ runs: 0, newIds: 1 });

    sheets.sheets.get(SHEET)!.push(['Grace', 'grace@example.com'], ['Linus', 'linus@example.com']);
    sheets.sheets.get(SHEET)![1] = ['Ada Lovelace', 'ada@example.com'];
    expect(await pollOnce(id)).toEqual({ runs: 2, newIds: 2 });
    const run = await waitFor(async () => {
      const r = await getRun(stack, `run:${id}:poll:row-3`);
      return r?.status === 'completed' ? r : undefined;
    }, 'the row-3 run to complete');
    expect(run.steps.find((s) => s.id === 'who')!.output).toEqual({ name: 'Grace', row: 3 });
    expect(await pollOnce(id)).toEqual({ runs: 0, newIds: 0 });
    expect(sheets.tokens.every((t) => t === TOKEN)).toBe(true);

    const metrics = await (await stack.api('/metrics')).text();
    expect(metrics).toMatch(/switchboard_polls_total\{connector="google_sheets",trigger="new_rows",outcome="ok"\} 3/);
    expect(metrics).toMatch(/switchboard_poll_new_items_total\{connector="google_sheets",trigger="new_rows"\} 2/);

    expect(await stack.services.orm.em.fork().findOne(PollStateRecord, { automationId: id })).not.toBeNull();
    expect((await stack.api(`/api/v1/automations/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await stack.services.orm.em.fork().findOne(PollStateRecord, { automationId: id })).toBeNull();
  });
});
