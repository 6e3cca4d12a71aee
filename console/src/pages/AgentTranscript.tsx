/**
 * An agent step's transcript on the run page: each model turn (its text and tool calls,
 * tokens and cost), approval, tool result and memory summary, as the run-state query reports them while
 * the step runs (the page polls).
 */
import { when } from '../ui.tsx';

type Turn = { kind: 'model' | 'tool' | 'approval' | 'memory'; at: string } & Record<string, unknown>;

interface Usage {
  inputTokens: number;
  outputTokens: number;
  cost?: number;
  currency?: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

export function usageText(u: Usage): string {
  return `${u.inputTokens} tokens in, ${u.outputTokens} out${u.cost !== undefined ? ` · ${u.cost} ${u.currency ?? ''}`.trimEnd() : ''}`;
}

function TurnView({ turn }: { turn: Turn }) {
  if (turn.kind === 'model') {
    const calls = (turn['toolCalls'] as { name: string; arguments: unknown }[] | undefined) ?? [];
    return (
      <>
        <strong>Model, round {str(turn['round'])}</strong> <span className="hint">{usageText(turn['usage'] as Usage)}</span>
        {typeof turn['text'] === 'string' && turn['text'] && <p>{turn['text']}</p>}
        {calls.map((c, i) => (
          <p key={i}>
            calls <code>{c.name}</code> <code>{JSON.stringify(c.arguments)}</code>
          </p>
        ))}
      </>
    );
  }
  if (turn.kind === 'approval') {
    return (
      <>
        <strong>Approval</strong> of <code>{str(turn['name'])}</code>: {str(turn['status'])}
        {turn['by'] !== undefined && ` by ${str(turn['by'])}`}
        {typeof turn['comment'] === 'string' && turn['comment'] && `: ${turn['comment']}`}
      </>
    );
  }
  if (turn.kind === 'memory') {
    return (
      <>
        <strong>Memory</strong>: {str(turn['summarized'])} older messages of the thread summarised <span className="hint">{usageText(turn['usage'] as Usage)}</span>
        <p>{str(turn['text'])}</p>
      </>
    );
  }
  return (
    <>
      <strong>Tool</strong> <code>{str(turn['name'])}</code> {turn['ok'] ? 'returned' : 'failed'}
      <pre>{str(turn['result'])}</pre>
    </>
  );
}

export function AgentTranscript({ turns }: { turns: Turn[] }) {
  return (
    <details open>
      <summary>Transcript ({turns.length})</summary>
      <ol className="transcript">
        {turns.map((t, i) => (
          <li key={i} className={`turn turn-${t.kind}`}>
            <span className="hint">{when(t.at)}</span> <TurnView turn={t} />
          </li>
        ))}
      </ol>
    </details>
  );
}
