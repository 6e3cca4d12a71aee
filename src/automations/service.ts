/**
 * Storage of automations: every save writes a new immutable version and moves the
 * automation's `currentVersion`; deleting marks the automation deleted and keeps
 * its versions (runs in flight are pinned to theirs; `versions()`/`version()` still
 * read them). Schedules follow in the same
 * transaction: when Temporal refuses the schedule, nothing is saved.
 */
import type { EntityManager } from '@mikro-orm/core';
import { Automation, AutomationVersion, Connection, PollStateRecord } from '../db/entities/index.ts';
import { DEFAULT_POLL_INTERVAL } from './poll-trigger-schema.ts';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { notFound } from '../errors.ts';
import type { TemporalHandle } from '../temporal/client.ts';
import type { AutomationDefinition } from '../../workflows/automation/types.ts';
import type { ConnectorRegistry } from '../../connectors/registry.ts';
import { parseDefinition } from './definition.ts';
import { checkReferences, type DefinitionIssue } from './references.ts';
import { workflowCatalog } from '../workflow-packages/load.ts';
import { hasSchedule, syncSchedule } from './schedules.ts';
import { DefinitionError } from '../errors.ts';
import type { Services } from '../services.ts';
import type { AutomationSubscriptions } from './resolver.ts';

/** How the API shows an automation. */
export interface AutomationView {
  id: string;
  name: string;
  description: string | null;
  version: number;
  trigger: AutomationDefinition['trigger'];
  definition: AutomationDefinition;
  createdAt: string;
  updatedAt: string;
}

/** One saved version in a version list (newest first). */
export interface AutomationVersionSummary {
  version: number;
  /** The name, description and trigger type the definition of this version had. */
  name: string;
  description: string | null;
  triggerType: AutomationDefinition['trigger']['type'];
  /** The version new runs use (for a deleted automation: the one current when it was deleted). */
  current: boolean;
  createdAt: string;
}

/** One saved version with its full definition. */
export interface AutomationVersionView extends AutomationVersionSummary {
  automationId: string;
  definition: AutomationDefinition;
}

/** The largest version the `integer` column can hold; anything above cannot exist. */
const MAX_VERSION = 2_147_483_647;

export class AutomationService {
  /** `connectors`: when given, action references are checked against the connector's actions too. */
  constructor(
    private readonly deps: {
      orm: Orm;
      temporal: TemporalHandle | undefined;
      connectors?: ConnectorRegistry | undefined;
      /** The deployment's dedupe window (config `dedupeWindowDays`): bounds `wait_for_event` timeouts. */
      dedupeWindowDays?: number | undefined;
      /** The process's subscriptions (`services.subscriptions`), dropped after a save or delete; without it (another process) they change within their TTL. */
      subscriptions?: Pick<AutomationSubscriptions, 'invalidate'> | undefined;
      /** The code workflows the process's packages export: `workflow` steps naming another are refused at save. */
      codeWorkflows?: (() => Promise<ReadonlySet<string>>) | undefined;
    },
  ) {}

  /** The service as the API builds it from the process's services. */
  static of(services: Services): AutomationService {
    return new AutomationService({
      orm: services.orm,
      temporal: services.temporal,
      connectors: services.connectors,
      dedupeWindowDays: services.config.temporal.dedupeWindowDays,
      subscriptions: services.subscriptions,
      codeWorkflows: async () => new Set((await workflowCatalog(services.config)).workflows.keys()),
    });
  }

  /** Throws {@link DefinitionError} listing every reference of `def` that does not resolve. */
  private async checkReferences(em: EntityManager, def: AutomationDefinition, selfId?: string): Promise<void> {
    const issues = await checkReferences(em, def, { connectors: this.deps.connectors, selfId, codeWorkflows: this.deps.codeWorkflows });
    if (issues.length) throw new DefinitionError(issues);
  }

  private em(): EntityManager {
    return this.deps.orm.em.fork();
  }

  /**
   * Saves `def` as `version` and makes the automation's Temporal Schedule match it. Only a
   * save that creates, changes or removes a schedule needs Temporal (503 while it is down,
   * and the surrounding transaction rolls the version back); one that neither had a
   * schedule (`hadSchedule`, from the trigger of the version it replaces) nor gets one does not.
   */
  private async saveVersion(em: EntityManager, automation: Automation, def: AutomationDefinition, version: number, hadSchedule: boolean): Promise<void> {
    em.create(AutomationVersion, {
      id: `${automation.id}@${version}`,
      automationId: automation.id,
      version,
      definition: def as unknown as Record<string, unknown>,
    });
    automation.currentVersion = version;
    automation.name = def.name;
    automation.description = def.description ?? null;
    automation.triggerType = def.trigger.type;
    automation.webhookConnectionId = def.trigger.type === 'webhook' ? def.trigger.connection : null;
    await em.flush();
    if (this.deps.temporal && (hadSchedule || hasSchedule(def.trigger.type))) {
      try {
        await syncSchedule(this.deps.temporal, automation.id, version, def, await this.pollIntervalOf(em, def));
      } catch (err) {
        // The SDK refuses a cron or time zone it cannot read with a TypeError, Temporal with INVALID_ARGUMENT (3).
        const code = (err as { code?: unknown; cause?: { code?: unknown } }).code ?? (err as { cause?: { code?: unknown } }).cause?.code;
        if (err instanceof TypeError || code === 3) throw new DefinitionError([{ path: 'trigger', message: `the schedule is not valid: ${(err as Error).message}` }]);
        throw err;
      }
    }
  }

  /** A poll trigger's interval: its own, else its connector trigger's default (the references check found both). */
  private async pollIntervalOf(em: EntityManager, def: AutomationDefinition): Promise<string | undefined> {
    if (def.trigger.type !== 'poll') return undefined;
    if (def.trigger.interval) return def.trigger.interval;
    const ref = def.trigger.connection;
    const connection = await em.findOne(Connection, { $or: [{ id: ref }, { name: ref }] }, { fields: ['connector'] });
    const own = connection ? this.deps.connectors?.get(connection.connector)?.pollingTriggers?.[def.trigger.trigger]?.interval : undefined;
    return own ?? DEFAULT_POLL_INTERVAL;
  }

  /**
   * Every problem saving `doc` would report (shape, cross-checks, references), without
   * saving anything; `selfId` is the automation it would become a version of.
   */
  async validate(doc: unknown, selfId?: string): Promise<DefinitionIssue[]> {
    try {
      const def = parseDefinition(doc, { dedupeWindowDays: this.deps.dedupeWindowDays });
      return await checkReferences(this.em(), def, { connectors: this.deps.connectors, selfId, codeWorkflows: this.deps.codeWorkflows });
    } catch (err) {
      if (err instanceof DefinitionError) return err.issues;
      throw err;
    }
  }

  async create(doc: unknown): Promise<AutomationView> {
    const def = parseDefinition(doc, { dedupeWindowDays: this.deps.dedupeWindowDays });
    const saved = await this.em().transactional(async (em) => {
      await this.checkReferences(em, def);
      const automation = em.create(Automation, { id: newId('auto'), name: def.name, currentVersion: 1, triggerType: def.trigger.type });
      await this.saveVersion(em, automation, def, 1, false);
      return view(automation, def);
    });
    this.deps.subscriptions?.invalidate();
    return saved;
  }

  async update(id: string, doc: unknown): Promise<AutomationView> {
    const def = parseDefinition(doc, { dedupeWindowDays: this.deps.dedupeWindowDays });
    const saved = await this.em().transactional(async (em) => {
      const automation = await em.findOne(Automation, { id, deletedAt: null });
      if (!automation) throw notFound(`automation ${id}`);
      await this.checkReferences(em, def, id);
      await this.saveVersion(em, automation, def, automation.currentVersion + 1, hasSchedule(automation.triggerType));
      return view(automation, def);
    });
    this.deps.subscriptions?.invalidate();
    return saved;
  }

  /** The automation `apply` would save a new version of: the oldest one not deleted with this name. */
  async findByName(name: string): Promise<{ id: string; triggerType: string } | null> {
    const a = await this.em().findOne(Automation, { name: name.trim(), deletedAt: null }, { orderBy: { createdAt: 'asc' } });
    return a ? { id: a.id, triggerType: a.triggerType } : null;
  }

  /** Creates the automation named like the document, or saves a new version of it (CLI `apply`). */
  async apply(doc: unknown): Promise<{ created: boolean; automation: AutomationView }> {
    const def = parseDefinition(doc, { dedupeWindowDays: this.deps.dedupeWindowDays });
    const existing = await this.findByName(def.name);
    return existing ? { created: false, automation: await this.update(existing.id, def) } : { created: true, automation: await this.create(def) };
  }

  async get(id: string): Promise<AutomationView> {
    const em = this.em();
    const automation = await em.findOne(Automation, { id, deletedAt: null });
    if (!automation) throw notFound(`automation ${id}`);
    const v = await em.findOneOrFail(AutomationVersion, { automationId: id, version: automation.currentVersion });
    return view(automation, v.definition as unknown as AutomationDefinition);
  }

  async list(): Promise<AutomationView[]> {
    const em = this.em();
    const automations = await em.find(Automation, { deletedAt: null }, { orderBy: { createdAt: 'asc' } });
    if (automations.length === 0) return [];
    const versions = await em.find(AutomationVersion, { $or: automations.map((a) => ({ automationId: a.id, version: a.currentVersion })) });
    const byId = new Map(versions.map((v) => [v.automationId, v]));
    return automations.map((a) => view(a, byId.get(a.id)!.definition as unknown as AutomationDefinition));
  }

  /** Every saved version, newest first; also of a deleted automation (its versions are kept). */
  async versions(id: string): Promise<AutomationVersionSummary[]> {
    const em = this.em();
    const automation = await anyAutomation(em, id);
    const rows = await em.find(AutomationVersion, { automationId: id }, { orderBy: { version: 'desc' } });
    return rows.map((v) => versionSummary(automation, v));
  }

  /** One saved version with its definition; also of a deleted automation. */
  async version(id: string, version: number): Promise<AutomationVersionView> {
    const em = this.em();
    const automation = await anyAutomation(em, id);
    const v = Number.isSafeInteger(version) && version >= 1 && version <= MAX_VERSION ? await em.findOne(AutomationVersion, { automationId: id, version }) : null;
    if (!v) throw notFound(`automation ${id} version ${version}`);
    return { automationId: id, ...versionSummary(automation, v), definition: v.definition as unknown as AutomationDefinition };
  }

  async delete(id: string): Promise<void> {
    await this.em().transactional(async (em) => {
      const automation = await em.findOne(Automation, { id, deletedAt: null });
      if (!automation) throw notFound(`automation ${id}`);
      automation.deletedAt = new Date();
      // A poll trigger's cursor and seen ids go with it (a new automation polls from "now").
      await em.nativeDelete(PollStateRecord, { automationId: id });
      await em.flush();
      if (this.deps.temporal && hasSchedule(automation.triggerType)) await syncSchedule(this.deps.temporal, id, automation.currentVersion, undefined);
    });
    this.deps.subscriptions?.invalidate();
  }
}

function view(a: Automation, def: AutomationDefinition): AutomationView {
  return {
    id: a.id,
    name: a.name,
    description: a.description ?? null,
    version: a.currentVersion,
    trigger: def.trigger,
    definition: def,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

/** The automation, deleted or not (its versions are kept); 404 when it never existed. */
async function anyAutomation(em: EntityManager, id: string): Promise<Automation> {
  const automation = await em.findOne(Automation, { id });
  if (!automation) throw notFound(`automation ${id}`);
  return automation;
}

function versionSummary(a: Automation, v: AutomationVersion): AutomationVersionSummary {
  const def = v.definition as unknown as AutomationDefinition;
  return {
    version: v.version,
    name: def.name,
    description: def.description ?? null,
    triggerType: def.trigger.type,
    current: v.version === a.currentVersion,
    createdAt: v.createdAt.toISOString(),
  };
}
