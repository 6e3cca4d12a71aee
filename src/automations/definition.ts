/**
 * The automation definition language: a zod schema (JSON; the CLI also reads YAML)
 * plus cross-field checks — unique step ids, goto targets that exist and are
 * reachable (same list or an enclosing one, not across a parallel branch), blocks
 * nested at most {@link MAX_NESTING_DEPTH} deep, and templates that parse and use no
 * forbidden names.
 *
 * @example
 * const def = parseDefinition({ name: 'hello', trigger: { type: 'manual' },
 *   steps: [{ id: 'greet', type: 'transform', output: 'Hello {{ input.name }}' }] });
 */
import { z } from 'zod';
import { DURATION_RE, durationMs } from '../../workflows/automation/duration.ts';
import { checkExpression, checkTemplates } from '../../workflows/automation/template.ts';
import type { AutomationDefinition, Step } from '../../workflows/automation/types.ts';
import { childLists } from '../../workflows/automation/step-lists.ts';
import { aiStepSchemas } from '../ai/step-schemas.ts';
import { agentStepSchema } from '../ai/agent-schema.ts';
import { blockStepSchemas } from './block-step-schemas.ts';
import { foreachStepSchema } from './foreach-schema.ts';
import { DEFAULT_DEDUPE_WINDOW_DAYS } from '../config.ts';
import { checkEventWaitTimeouts, waitStepSchemas } from './wait-step-schema.ts';
import { pollTriggerProblems, pollTriggerSchema } from './poll-trigger-schema.ts';
import { workflowStepSchema } from './workflow-step-schema.ts';
import { approvalNotifyIssues, approvalNotifySchema } from '../approvals/notify-schema.ts';
import { nameString } from '../schemas/ids.ts';
import { concurrencySchema, fairnessSchema, flowControlProblems, prioritySchema } from './flow-control-schema.ts';
import { batchSchema, collectProblems, debounceSchema } from './collect-schema.ts';
import { GROUP_PREFIX } from '../../workflows/automation/definitions.ts';
import { approvalFormSchema } from '../approvals/form.ts';
import { DefinitionError } from '../errors.ts';

const duration = z.string().regex(DURATION_RE, 'must be a duration such as 30s, 10m, 2h or 3d');
/**
 * Names a step id may not take: step outputs are keyed by id (`steps.<id>`), and these
 * would collide with what every JS object has (`__proto__` silently lost its output).
 */
export const RESERVED_STEP_IDS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);
const STEP_ID = /^[A-Za-z_][\w-]{0,63}$/;
const stepId = z
  .string()
  .regex(STEP_ID, 'must start with a letter or _ and contain letters, digits, _ or -')
  .refine((id) => !RESERVED_STEP_IDS.has(id), { message: `is a reserved name (${[...RESERVED_STEP_IDS].filter((n) => /^[A-Za-z_][\w-]*$/.test(n)).join(', ')})`, abort: true });
// The schema states the target's form (a step id); that the step exists is checked when saved.
const gotoTarget = z.templateLiteral(['goto:', z.string().regex(STEP_ID)]);

const retry = z
  .object({
    maxAttempts: z.number().int().min(1).max(100).optional(),
    initialInterval: duration.optional(),
    backoff: z.number().min(1).max(10).optional(),
    maxInterval: duration.optional(),
    nonRetryable: z.array(z.string()).optional(),
  })
  .strict();

/** Fields every step has; step schemas extend it. */
export const stepBase = z.object({
  id: stepId,
  name: z.string().optional(),
  when: z.string().optional(),
  retry: retry.optional(),
  timeout: duration.optional(),
  onError: z.union([z.literal('fail'), z.literal('continue'), gotoTarget]).optional(),
});

const actionCall = z.object({
  connection: z.string().min(1),
  action: z.string().min(1),
  input: z.unknown().optional(),
});

const steps: z.ZodType<Step[]> = z.lazy(() => z.array(stepSchema));

/**
 * One schema per step type. Other features add theirs here (e.g. `llm`) together
 * with an executor in workflows/automation/steps/registry.ts.
 */
export const STEP_SCHEMAS = [
  stepBase.extend({ type: z.literal('action'), ...actionCall.shape }).strict(),
  stepBase
    .extend({ type: z.enum(['condition', 'branch']), if: z.string().min(1), then: steps, else: steps.optional() })
    .strict(),
  stepBase.extend({ type: z.literal('parallel'), branches: z.array(steps).min(1) }).strict(),
  stepBase
    .extend({ type: z.literal('wait'), duration: duration.optional(), until: z.string().optional() })
    .strict()
    .refine((s) => (s.duration === undefined) !== (s.until === undefined), 'a wait step needs exactly one of duration and until'),
  stepBase
    .extend({
      type: z.literal('approval'),
      approvers: z.array(z.string().min(1)).optional(),
      quorum: z.number().int().min(1).optional(),
      timeout: duration,
      remind: z
        .object({
          every: duration.optional(),
          before: duration.optional(),
          action: actionCall.strict().optional(),
          notify: z.boolean().optional().describe("false: reminders send `action` only, not to the step's notify channels"),
        })
        .strict()
        .optional(),
      escalate: z
        .object({ after: duration, approvers: z.array(z.string().min(1)).min(1).optional(), action: actionCall.strict().optional() })
        .strict()
        .refine((e) => e.approvers !== undefined || e.action !== undefined, 'escalate needs approvers, an action, or both')
        .optional(),
      onTimeout: z.union([z.enum(['approve', 'reject', 'fail']), gotoTarget]),
      message: z.string().optional(),
      title: z.string().min(1).max(500).optional().describe('what is being decided, one line (template)'),
      description: z.string().max(10_000).optional().describe('more about it (template)'),
      context: z
        .array(z.object({ label: z.string().min(1).max(100), value: z.string().max(2000) }).strict())
        .max(20)
        .optional()
        .describe('labelled values shown with the title (`value` is a template)'),
      notify: approvalNotifySchema.optional(),
      form: approvalFormSchema.optional(),
      selfApproval: z.boolean().optional().describe("false: the run's starter and earlier approvals' deciders may not decide"),
    })
    .strict()
    .superRefine((s, ctx) => approvalNotifyIssues(s).forEach((i) => ctx.addIssue({ code: 'custom', ...i })))
    // A group counts its members, known only at save (references) and decision time.
    .refine((s) => !s.approvers?.length || s.approvers.some((a) => a.startsWith(GROUP_PREFIX)) || (s.quorum ?? 1) <= s.approvers.length, 'quorum cannot exceed the number of approvers')
    .refine((s) => !s.remind || !!s.remind.action || (!!s.notify?.length && s.remind.notify !== false), {
      message: 'remind needs an action, or notify channels on the step to remind on',
      path: ['remind'],
    })
    .refine((s) => !s.escalate?.approvers || !!s.approvers?.length, {
      message: 'escalate.approvers needs approvers on the step: without them anyone may decide already',
      path: ['escalate', 'approvers'],
    })
    .refine((s) => !s.escalate || !DURATION_RE.test(s.escalate.after) || !DURATION_RE.test(s.timeout) || durationMs(s.escalate.after) < durationMs(s.timeout), {
      message: 'escalate.after must be shorter than timeout',
      path: ['escalate', 'after'],
    }),
  stepBase.extend({ type: z.literal('transform'), output: z.unknown() }).strict(),
  stepBase.extend({ type: z.literal('automation'), automation: z.string().min(1), input: z.unknown().optional() }).strict(),
  ...aiStepSchemas(stepBase),
  agentStepSchema(stepBase),
  ...blockStepSchemas(stepBase, steps),
  foreachStepSchema(stepBase, steps),
  ...waitStepSchemas(stepBase),
  workflowStepSchema(stepBase),
];

/** Every step type the definition language knows (the `type` values of {@link STEP_SCHEMAS}). */
export const STEP_TYPES: readonly string[] = STEP_SCHEMAS.flatMap((schema) => [...(schema.shape.type as z.ZodType & { _zod: { values: Set<string> } })._zod.values]);

export const stepSchema: z.ZodType<Step> = z.lazy(() =>
  z.discriminatedUnion('type', STEP_SCHEMAS as unknown as [z.ZodObject, ...z.ZodObject[]], {
    error: (issue) =>
      issue.code === 'invalid_union' && (issue as { note?: string }).note === 'No matching discriminator'
        ? `unknown step type ${JSON.stringify((issue.input as { type?: unknown } | undefined)?.type)}; valid types: ${STEP_TYPES.join(', ')}`
        : undefined,
  }),
).meta({ id: 'AutomationStep', description: 'One step; `type` selects the step kind' }) as unknown as z.ZodType<Step>;

/** A schedule trigger's `overlap` values (Temporal's ScheduleOverlapPolicy, in the definition's spelling). */
export const SCHEDULE_OVERLAP_POLICIES = ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'allow_all'] as const;

export const triggerSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('webhook'),
      connection: z.string().min(1),
      /** Event type patterns: `github.issues.opened`, `github.issues.*`, `*`. */
      events: z.array(z.string().min(1)).min(1),
      /** JSONata expression over the event (`payload.issue.labels[name='bug']`). */
      filter: z.string().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('schedule'),
      cron: z.string().min(1),
      timezone: z.string().optional(),
      /** The input every scheduled run receives (checked against the definition's `input` schema). */
      input: z.record(z.string(), z.unknown()).optional(),
      overlap: z
        .enum(SCHEDULE_OVERLAP_POLICIES)
        .optional()
        .describe('when a run is due while the last is still running: skip it (default), buffer_one, buffer_all, cancel_other (cancel the running one) or allow_all'),
    })
    .strict(),
  z.object({ type: z.literal('manual') }).strict(),
  pollTriggerSchema,
]);

export const definitionSchema = z
  .object({
    name: nameString,
    description: z.string().optional(),
    enabled: z.boolean().optional().describe('false: webhook events are recorded but start no runs, a schedule is paused (default true)'),
    trigger: triggerSchema,
    steps: z.array(stepSchema).min(1),
    input: z.record(z.string(), z.unknown()).optional(),
    budget: z.object({ maxSteps: z.number().int().min(1).optional(), maxTokens: z.number().int().min(1).optional() }).loose().optional(),
    concurrency: concurrencySchema.optional(),
    priority: prioritySchema.optional(),
    fairness: fairnessSchema.optional(),
    debounce: debounceSchema.optional().describe('webhook automations: collapse events with the same key into one run'),
    batch: batchSchema.optional().describe('webhook automations: hand several events to one run'),
  })
  .strict()
  .meta({ id: 'AutomationDefinition' });

/**
 * How deep blocks may nest: steps with nested step lists (condition/branch, parallel,
 * foreach, try, switch, …) inside each other. Deeper flows are hard to read and each
 * level costs the interpreter a frame; split them into child automations.
 */
export const MAX_NESTING_DEPTH = 8;

function crossChecks(def: AutomationDefinition): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  // `scopes` are the lists a goto in this list may target (own list and enclosing ones, up to a parallel branch).
  const walk = (list: Step[], where: string, scopes: Step[][], depth: number): void => {
    const visible = [list, ...scopes];
    list.forEach((step, i) => {
      const at = `${where}[${i}] (${step.id})`;
      if (seen.has(step.id)) problems.push(`${at}: duplicate step id "${step.id}"`);
      seen.add(step.id);
      const gotos = [step.onError, step.type === 'approval' ? (step as { onTimeout?: string }).onTimeout : undefined];
      for (const g of gotos) {
        if (typeof g === 'string' && g.startsWith('goto:')) {
          const target = g.slice(5);
          if (!visible.some((l) => l.some((s) => s.id === target))) {
            problems.push(`${at}: goto target "${target}" is not a step of this list or an enclosing one`);
          }
        }
      }
      if (step.when !== undefined) checkExpression(step.when, `${at}.when`, problems);
      if (step.type === 'condition' || step.type === 'branch') checkExpression((step as { if: string }).if, `${at}.if`, problems);
      const lists = childLists(step);
      // Nested lists are walked below; `cases[i].equals` are literal values, not templates.
      const nestedKeys = new Set(lists.map((l) => l.label.replace(/[.[].*$/, '')));
      const rest = Object.fromEntries(Object.entries(step).filter(([k]) => !['id', 'type', 'when', ...nestedKeys].includes(k)));
      checkTemplates(rest, at, problems);
      if (lists.length && depth === MAX_NESTING_DEPTH) problems.push(`${at}: blocks nest deeper than ${MAX_NESTING_DEPTH} levels (condition, parallel, foreach, try and switch each count one); move the inner part into a child automation`);
      // A parallel branch and a loop body are scopes of their own: no goto leaves them.
      for (const l of lists) walk(l.steps, `${at}.${l.label}`, l.isolated || step.type === 'foreach' ? [] : visible, depth + 1);
    });
  };
  walk(def.steps, 'steps', [], 0);
  if (def.trigger.type === 'webhook' && def.trigger.filter) checkExpression(def.trigger.filter, 'trigger.filter', problems);
  if (def.trigger.type === 'poll') problems.push(...pollTriggerProblems(def.trigger));
  problems.push(...flowControlProblems(def));
  problems.push(...collectProblems(def));
  if (def.input) {
    try {
      const inputSchema = z.fromJSONSchema(def.input as never);
      if (def.trigger.type === 'schedule') {
        // What every scheduled run receives must pass the same check a started run's input does.
        const result = inputSchema.safeParse(def.trigger.input ?? {});
        if (!result.success) {
          for (const i of result.error.issues) problems.push(`trigger.input${i.path.map((p) => `.${String(p)}`).join('')}: ${i.message} (does not match the automation's input schema)`);
        }
      }
    } catch (err) {
      problems.push(`input: not a usable JSON Schema (${(err as Error).message})`);
    }
  }
  return problems;
}

/**
 * Validates a definition document; throws {@link DefinitionError} listing every problem.
 * `dedupeWindowDays` (the deployment's SWITCHBOARD_DEDUPE_WINDOW_DAYS) bounds `wait_for_event` timeouts.
 */
export function parseDefinition(doc: unknown, opts: { dedupeWindowDays?: number | undefined } = {}): AutomationDefinition {
  const parsed = definitionSchema.safeParse(doc);
  if (!parsed.success) {
    throw new DefinitionError(parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })));
  }
  const def = parsed.data as AutomationDefinition;
  const problems = crossChecks(def);
  if (problems.length) throw new DefinitionError(problems);
  const waits = checkEventWaitTimeouts(def.steps, opts.dedupeWindowDays ?? DEFAULT_DEDUPE_WINDOW_DAYS);
  if (waits.length) throw new DefinitionError(waits);
  return def;
}

/** Where a nested step list's items point in {@link stepJsonSchemas} (the whole step union is in the OpenAPI document). */
const NESTED_STEP = { type: 'object', description: 'a step (AutomationStep)', additionalProperties: true } as const;

/** Inlines `$ref`s to `$defs`, except those to the (recursive) step union: {@link NESTED_STEP}. */
function inlineRefs(node: unknown, defs: Record<string, unknown>, seen: ReadonlySet<string> = new Set()): unknown {
  if (Array.isArray(node)) return node.map((n) => inlineRefs(n, defs, seen));
  if (!node || typeof node !== 'object') return node;
  const obj = node as Record<string, unknown>;
  if (typeof obj['$ref'] === 'string') {
    const name = obj['$ref'].replace(/^#\/\$defs\//, '');
    if (name === 'AutomationStep' || seen.has(name) || !(name in defs)) return { ...NESTED_STEP };
    return inlineRefs(defs[name], defs, new Set([...seen, name]));
  }
  return Object.fromEntries(Object.entries(obj).filter(([k]) => k !== '$defs' && k !== '$schema').map(([k, v]) => [k, inlineRefs(v, defs, seen)]));
}

/**
 * The JSON Schema (draft 2020-12, input shape) of each step type, from {@link STEP_SCHEMAS}:
 * what the console builds its step forms from. Nested step lists (`then`, `else`,
 * `branches`) are arrays of open objects; cross-field rules (refinements) are not in it.
 */
export function stepJsonSchemas(): { type: string; schema: Record<string, unknown> }[] {
  return STEP_SCHEMAS.flatMap((schema) => {
    const raw = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    const json = inlineRefs(raw, (raw['$defs'] ?? {}) as Record<string, unknown>) as Record<string, unknown>;
    const types = [...(schema.shape.type as z.ZodType & { _zod: { values: Set<string> } })._zod.values] as string[];
    return types.map((type) => {
      const properties = { ...(json['properties'] as Record<string, unknown>), type: { type: 'string', const: type } };
      return { type, schema: { ...json, properties } };
    });
  });
}
