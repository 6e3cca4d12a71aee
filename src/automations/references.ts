/**
 * Save-time checks of what a definition names outside itself: connections (and the
 * actions of their connectors), MCP servers, RAG indexes, child automations, approver groups
 * and the approvers of agent tools (principals of API keys, groups). A
 * reference that is a template (`{{ … }}`) is resolved only at run time and is not
 * checked here. Every bad reference is reported, each with its path.
 *
 * A step names its connection by id or by name (the name is resolved again when the
 * step runs, see findConnectionByRef); a webhook trigger's connection is an id (it is
 * the one in the webhook URL).
 */
import type { EntityManager } from '@mikro-orm/core';
import type { ConnectorRegistry } from '../../connectors/registry.ts';
import type { ConnectorDefinition } from '../../connectors/sdk/types.ts';
import { ApiKey, ApproverGroup, Automation, Connection, McpServer, RagIndex } from '../db/entities/index.ts';
import { GROUP_PREFIX } from '../../workflows/automation/definitions.ts';
import { childLists } from '../../workflows/automation/step-lists.ts';
import type { AutomationDefinition, Step } from '../../workflows/automation/types.ts';
import { actionDefinitionOf, TEST_CONNECTION_ACTION } from '../connector-host/builtin-actions.ts';
import { ambiguousConnectionName } from '../connections/store.ts';
import type { DefinitionIssue } from '../errors.ts';

export type { DefinitionIssue } from '../errors.ts';

type Kind = 'connection' | 'mcpServer' | 'ragIndex' | 'automation' | 'principal' | 'group' | 'codeWorkflow';

interface Reference {
  kind: Kind;
  value: string;
  path: string;
  /** For connection references of actions: the action the connector must have. */
  action?: string;
  /** For the connection of an llm step: the capability its connector must provide. */
  capability?: 'llm';
  /** The reference must be an id (a webhook trigger's connection), not a name. */
  idOnly?: true;
  /** For a poll trigger's connection: the polling trigger its connector must have, and its config. */
  poll?: { trigger: string; config: Record<string, unknown> };
}

const isTemplate = (value: string): boolean => value.includes('{{');

function collect(def: AutomationDefinition): Reference[] {
  const refs: Reference[] = [];
  const add = (kind: Kind, value: unknown, path: string, action?: unknown): void => {
    if (typeof value !== 'string' || isTemplate(value)) return;
    refs.push({ kind, value, path, ...(typeof action === 'string' && !isTemplate(action) ? { action } : {}) });
  };
  if (def.trigger.type === 'webhook' && typeof def.trigger.connection === 'string' && !isTemplate(def.trigger.connection)) {
    refs.push({ kind: 'connection', value: def.trigger.connection, path: 'trigger.connection', idOnly: true });
  }
  if (def.trigger.type === 'poll' && !isTemplate(def.trigger.connection)) {
    refs.push({ kind: 'connection', value: def.trigger.connection, path: 'trigger.connection', poll: { trigger: def.trigger.trigger, config: def.trigger.config ?? {} } });
  }
  const walk = (list: Step[], where: string): void => {
    list.forEach((step, i) => {
      const at = `${where}[${i}]`;
      const s = step as unknown as Record<string, unknown>;
      switch (step.type) {
        case 'action':
          add('connection', s['connection'], `${at}.connection`, s['action']);
          break;
        case 'approval': {
          const remind = s['remind'] as { action?: { connection?: unknown; action?: unknown } } | undefined;
          const escalate = s['escalate'] as { action?: { connection?: unknown; action?: unknown } } | undefined;
          if (remind?.action) add('connection', remind.action.connection, `${at}.remind.action.connection`, remind.action.action);
          if (escalate?.action) add('connection', escalate.action.connection, `${at}.escalate.action.connection`, escalate.action.action);
          const notify = Array.isArray(s['notify']) ? (s['notify'] as Record<string, { connection?: unknown } | undefined>[]) : [];
          notify.forEach((n, j) => {
            if (n['slack']) add('connection', n['slack'].connection, `${at}.notify[${j}].slack.connection`, 'send_message');
            if (n['email']) add('connection', n['email'].connection, `${at}.notify[${j}].email.connection`, 'send_email');
          });
          const groupsAt = (list: unknown, path: string): void => {
            if (!Array.isArray(list)) return;
            list.forEach((a, j) => {
              if (typeof a === 'string' && a.startsWith(GROUP_PREFIX)) add('group', a.slice(GROUP_PREFIX.length), `${path}[${j}]`);
            });
          };
          groupsAt(s['approvers'], `${at}.approvers`);
          groupsAt((s['escalate'] as { approvers?: unknown } | undefined)?.approvers, `${at}.escalate.approvers`);
          break;
        }
        case 'automation':
          add('automation', s['automation'], `${at}.automation`);
          break;
        case 'workflow':
          add('codeWorkflow', s['workflow'], `${at}.workflow`);
          break;
        case 'llm': {
          if (typeof s['connection'] === 'string' && !isTemplate(s['connection'])) refs.push({ kind: 'connection', value: s['connection'], path: `${at}.connection`, capability: 'llm' });
          const tools = Array.isArray(s['tools']) ? (s['tools'] as Record<string, unknown>[]) : [];
          tools.forEach((t, j) => {
            if ('mcpServer' in t) add('mcpServer', t['mcpServer'], `${at}.tools[${j}].mcpServer`);
            else add('connection', t['connection'], `${at}.tools[${j}].connection`, t['action']);
          });
          break;
        }
        case 'agent': {
          if (typeof s['connection'] === 'string' && !isTemplate(s['connection'])) refs.push({ kind: 'connection', value: s['connection'], path: `${at}.connection`, capability: 'llm' });
          const tools = Array.isArray(s['tools']) ? (s['tools'] as Record<string, unknown>[]) : [];
          tools.forEach((t, j) => {
            const tool = `${at}.tools[${j}]`;
            if ('mcpServer' in t) add('mcpServer', t['mcpServer'], `${tool}.mcpServer`);
            else if ('rag' in t) add('ragIndex', t['rag'], `${tool}.rag`);
            else if ('automation' in t) add('automation', t['automation'], `${tool}.automation`);
            else add('connection', t['connection'], `${tool}.connection`, t['action']);
            const approvers = Array.isArray(t['approvers']) ? (t['approvers'] as unknown[]) : [];
            approvers.forEach((a, k) =>
              typeof a === 'string' && a.startsWith(GROUP_PREFIX) ? add('group', a.slice(GROUP_PREFIX.length), `${tool}.approvers[${k}]`) : add('principal', a, `${tool}.approvers[${k}]`),
            );
            const notify = Array.isArray(t['notify']) ? (t['notify'] as Record<string, { connection?: unknown } | undefined>[]) : [];
            notify.forEach((n, k) => {
              if (n['slack']) add('connection', n['slack'].connection, `${tool}.notify[${k}].slack.connection`, 'send_message');
              if (n['email']) add('connection', n['email'].connection, `${tool}.notify[${k}].email.connection`, 'send_email');
            });
          });
          break;
        }
        case 'rag_retrieve':
          add('ragIndex', s['index'], `${at}.index`);
          break;
        case 'mcp_tool':
          add('mcpServer', s['server'], `${at}.server`);
          break;
        default:
          break;
      }
      for (const l of childLists(step)) walk(l.steps, `${at}.${l.label}`);
    });
  };
  walk(def.steps, 'steps');
  return refs;
}

/**
 * Problems of the definition's references (empty when all resolve). `selfId` is the
 * automation being saved: a step may run its own automation (a bounded recursion).
 */
export async function checkReferences(
  em: EntityManager,
  def: AutomationDefinition,
  opts: {
    connectors?: ConnectorRegistry | undefined;
    selfId?: string | undefined;
    /** The code workflows the packages export (`SWITCHBOARD_WORKFLOW_PACKAGES`); without it `workflow` steps are not checked. */
    codeWorkflows?: (() => Promise<ReadonlySet<string>>) | undefined;
  } = {},
): Promise<DefinitionIssue[]> {
  const refs = collect(def);
  if (refs.length === 0) return [];
  const values = (kind: Kind): string[] => [...new Set(refs.filter((r) => r.kind === kind).map((r) => r.value))];
  const connRefs = values('connection');
  const mcpRefs = values('mcpServer');
  const ragRefs = values('ragIndex');
  const autoIds = values('automation');
  const principalRefs = values('principal');
  const groupRefs = values('group');
  const codeWorkflows = values('codeWorkflow').length && opts.codeWorkflows ? await opts.codeWorkflows() : undefined;
  const [connections, servers, indexes, automations, holders, groups] = await Promise.all([
    connRefs.length ? em.find(Connection, { $or: [{ id: { $in: connRefs } }, { name: { $in: connRefs } }] }, { fields: ['id', 'name', 'connector'] }) : [],
    mcpRefs.length ? em.find(McpServer, { $or: [{ id: { $in: mcpRefs } }, { name: { $in: mcpRefs } }] }, { fields: ['id', 'name'] }) : [],
    ragRefs.length ? em.find(RagIndex, { $or: [{ id: { $in: ragRefs } }, { name: { $in: ragRefs } }] }, { fields: ['id', 'name'] }) : [],
    autoIds.length ? em.find(Automation, { id: { $in: autoIds }, deletedAt: null }, { fields: ['id'] }) : [],
    principalRefs.length ? em.find(ApiKey, { principal: { $in: principalRefs }, revokedAt: null }, { fields: ['id', 'principal'] }) : [],
    groupRefs.length ? em.find(ApproverGroup, { name: { $in: groupRefs } }, { fields: ['name'] }) : [],
  ]);
  const principals = new Set(holders.map((k) => k.principal));
  const groupNames = new Set(groups.map((g) => g.name));
  const connectorById = new Map(connections.map((c) => [c.id, c.connector]));
  const connectorsByName = new Map<string, string[]>();
  for (const c of connections) connectorsByName.set(c.name, [...(connectorsByName.get(c.name) ?? []), c.connector]);
  const serverKeys = new Set(servers.flatMap((s) => [s.id, s.name]));
  const indexKeys = new Set(indexes.flatMap((x) => [x.id, x.name]));
  const automationIds = new Set(automations.map((a) => a.id));
  if (opts.selfId) automationIds.add(opts.selfId);

  const issues: DefinitionIssue[] = [];
  for (const ref of refs) {
    switch (ref.kind) {
      case 'connection': {
        // As at run time: the id first, else the one connection with that name.
        const named = ref.idOnly ? undefined : connectorsByName.get(ref.value);
        const connector = connectorById.get(ref.value) ?? (named?.length === 1 ? named[0] : undefined);
        if (connector === undefined) {
          issues.push({ path: ref.path, message: named && named.length > 1 ? ambiguousConnectionName(ref.value) : `connection "${ref.value}" does not exist` });
          break;
        }
        if (ref.capability !== undefined && opts.connectors) {
          const provides = opts.connectors.get(connector)?.capabilities?.[ref.capability];
          if (!provides) {
            const able = opts.connectors.withCapability(ref.capability);
            issues.push({
              path: ref.path,
              message: `connection "${ref.value}" uses connector "${connector}", which does not provide ${ref.capability} (connectors that do: ${able.join(', ') || 'none installed'})`,
            });
          }
          break;
        }
        if (ref.poll !== undefined && opts.connectors) {
          issues.push(...pollTriggerIssues(opts.connectors.get(connector), ref.value, ref.poll));
          break;
        }
        if (ref.action === undefined || !opts.connectors) break;
        const def = opts.connectors.get(connector);
        if (!def) issues.push({ path: ref.path, message: `connection "${ref.value}" uses connector "${connector}", which is not installed` });
        else if (!actionDefinitionOf(def, ref.action)) {
          issues.push({
            path: ref.path.replace(/connection$/, 'action'),
            message: `connector "${connector}" of connection "${ref.value}" has no action "${ref.action}" (it has: ${[...new Set([...Object.keys(def.actions), TEST_CONNECTION_ACTION])].join(', ')})`,
          });
        }
        break;
      }
      case 'mcpServer':
        if (!serverKeys.has(ref.value)) issues.push({ path: ref.path, message: `MCP server "${ref.value}" is not registered` });
        break;
      case 'ragIndex':
        if (!indexKeys.has(ref.value)) issues.push({ path: ref.path, message: `RAG index "${ref.value}" does not exist` });
        break;
      case 'automation':
        if (!automationIds.has(ref.value)) issues.push({ path: ref.path, message: `automation "${ref.value}" does not exist` });
        break;
      case 'principal':
        if (!principals.has(ref.value)) issues.push({ path: ref.path, message: `approver "${ref.value}" does not exist (no API key has this principal)` });
        break;
      case 'group':
        if (!groupNames.has(ref.value)) issues.push({ path: ref.path, message: `group "${ref.value}" does not exist (create it with POST /api/v1/groups)` });
        break;
      case 'codeWorkflow':
        if (codeWorkflows && !codeWorkflows.has(ref.value)) {
          issues.push({
            path: ref.path,
            message: `no code workflow "${ref.value}" is loaded (SWITCHBOARD_WORKFLOW_PACKAGES exports: ${[...codeWorkflows].join(', ') || 'none'})`,
          });
        }
        break;
    }
  }
  return issues;
}

/** A poll trigger's connection must have the polling trigger, and its config must pass the trigger's schema. */
function pollTriggerIssues(def: ConnectorDefinition | undefined, connection: string, poll: { trigger: string; config: Record<string, unknown> }): DefinitionIssue[] {
  if (!def) return [{ path: 'trigger.connection', message: `connection "${connection}" uses a connector that is not installed` }];
  const trigger = def.pollingTriggers?.[poll.trigger];
  if (!trigger) {
    const known = Object.keys(def.pollingTriggers ?? {});
    return [{ path: 'trigger.trigger', message: `connector "${def.key}" of connection "${connection}" has no polling trigger "${poll.trigger}" (it has: ${known.join(', ') || 'none'})` }];
  }
  const parsed = trigger.config.safeParse(poll.config);
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: ['trigger', 'config', ...i.path.map(String)].join('.'), message: i.message }));
}
