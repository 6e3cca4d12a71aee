import { describe, expect, it } from 'vitest';
import { describeApiFailure, EXIT } from '../../src/cli/api.ts';
import { formatTable, TEXT_CELL } from '../../src/cli/output.ts';
import { SwitchboardApiError, SwitchboardUnreachableError } from '../../src/client/http-api.ts';

describe('CLI output', () => {
  it('aligns columns under upper-case headers, shows absent values as -, cuts long free text (never ids) and flattens whitespace', () => {
    const rows = [
      { id: 'run:a:1', status: 'failed', note: undefined },
      { id: 'run:abc:22', status: 'completed', note: `line one\nline two ${'x'.repeat(80)}` },
    ];
    const text = formatTable(rows, [
      { header: 'workflow id', value: (r) => r.id },
      { header: 'status', value: (r) => r.status },
      { header: 'note', value: (r) => r.note, max: TEXT_CELL },
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('WORKFLOW ID  STATUS     NOTE');
    expect(lines[1]).toBe('run:a:1      failed     -');
    expect(lines[2]).toMatch(/^run:abc:22 {3}completed {2}line one line two x+…$/);
    expect(lines[2]!.length).toBe('run:abc:22   completed  '.length + 60);
    expect(formatTable([], [{ header: 'id', value: () => 1 }], '(no runs)')).toBe('(no runs)\n');
    const longId = `wh:github:conn_x:${'d'.repeat(70)}`;
    expect(formatTable([{ id: longId }], [{ header: 'id', value: (r) => r.id }])).toBe(`ID\n${longId}\n`);
  });

  it('maps API failures to one line and an exit code per kind', () => {
    expect(describeApiFailure(new SwitchboardUnreachableError('http://127.0.0.1:9', 'ECONNREFUSED'))).toEqual({
      code: EXIT.unreachable,
      message: 'no Switchboard API answers at http://127.0.0.1:9 (ECONNREFUSED): start it (`switchboard dev`) or point SWITCHBOARD_URL at it',
    });
    expect(describeApiFailure(new SwitchboardApiError(401, 'UNAUTHENTICATED', 'Missing API key'))?.code).toBe(EXIT.denied);
    expect(describeApiFailure(new SwitchboardApiError(403, 'FORBIDDEN', 'This API key lacks the "runs:write" scope'))).toEqual({ code: EXIT.denied, message: '403 FORBIDDEN: This API key lacks the "runs:write" scope' });
    expect(describeApiFailure(new SwitchboardApiError(404, 'NOT_FOUND', 'run x not found'))?.code).toBe(EXIT.notFound);
    expect(describeApiFailure(new SwitchboardApiError(400, 'INVALID_INPUT', 'bad', [{ path: 'body.steps.0', message: 'unknown type' }, { message: 'second' }]))).toEqual({
      code: EXIT.failed,
      message: '400 INVALID_INPUT: bad\n  body.steps.0: unknown type\n  second',
    });
    expect(describeApiFailure(new Error('other'))).toBeUndefined();
  });
});
