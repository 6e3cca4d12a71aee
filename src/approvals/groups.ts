/**
 * Approver groups: a step's `approvers` may name `group:<name>`; whoever is a member when
 * they decide may decide for the group (membership is read at decision time, so adding or
 * removing a member applies to approvals already waiting).
 */
import type { EntityManager } from '@mikro-orm/core';
import { z } from 'zod';
import { GROUP_PREFIX } from '../../workflows/automation/definitions.ts';
import { ApproverGroup } from '../db/entities/index.ts';

/** A group name: what follows `group:` in an approver list. */
export const groupName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'must be 1-63 lowercase letters, digits, "_", "." or "-", starting with a letter or digit');

/** The group names an approver list refers to (`group:finance` → `finance`). */
export function groupsNamed(approvers: readonly string[] | undefined): string[] {
  return (approvers ?? []).filter((a) => a.startsWith(GROUP_PREFIX)).map((a) => a.slice(GROUP_PREFIX.length));
}

/** The `group:<name>` entries of `approvers` whose group has `principal` as a member now. */
export async function groupEntriesOf(em: EntityManager, principal: string, approvers: readonly string[]): Promise<string[]> {
  const names = groupsNamed(approvers);
  if (names.length === 0) return [];
  const groups = await em.find(ApproverGroup, { name: { $in: names } });
  return groups.filter((g) => g.members.includes(principal)).map((g) => `${GROUP_PREFIX}${g.name}`);
}

/** Every `group:<name>` the principal belongs to (the inbox's "mine"). */
export async function memberships(em: EntityManager, principal: string): Promise<string[]> {
  const groups = await em.find(ApproverGroup, {}, { fields: ['name', 'members'] });
  return groups.filter((g) => g.members.includes(principal)).map((g) => `${GROUP_PREFIX}${g.name}`);
}

/** `approvers` with each `group:<name>` replaced by the group's members now (order kept, each principal once; unknown groups add nobody). */
export async function expandGroups(em: EntityManager, approvers: readonly string[]): Promise<string[]> {
  const names = groupsNamed(approvers);
  const groups = names.length ? await em.find(ApproverGroup, { name: { $in: names } }, { fields: ['name', 'members'] }) : [];
  const members = new Map(groups.map((g) => [`${GROUP_PREFIX}${g.name}`, g.members]));
  return [...new Set(approvers.flatMap((a) => (a.startsWith(GROUP_PREFIX) ? (members.get(a) ?? []) : [a])))];
}
