/**
 * The principal directory: the email and Slack user of a principal (table
 * `principal_profiles`). Slack approvals decide as the principal of the clicking Slack
 * user; email approvals go to the approvers' addresses.
 */
import type { EntityManager } from '@mikro-orm/core';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { PrincipalProfile } from '../db/entities/index.ts';
import { ApiError } from '../errors.ts';

export interface PrincipalProfileView {
  name: string;
  email: string | null;
  slackUserId: string | null;
  updatedAt: string;
}

export function toProfileView(p: PrincipalProfile): PrincipalProfileView {
  return { name: p.name, email: p.email ?? null, slackUserId: p.slackUserId ?? null, updatedAt: p.updatedAt.toISOString() };
}

/**
 * Sets what is given (`null` clears a field, absent keeps it). A Slack user belongs to one
 * principal: giving one that another principal has answers 409.
 */
export async function upsertPrincipalProfile(em: EntityManager, name: string, patch: { email?: string | null | undefined; slackUserId?: string | null | undefined }): Promise<{ view: PrincipalProfileView; created: boolean }> {
  if (patch.slackUserId) {
    const owner = await em.findOne(PrincipalProfile, { slackUserId: patch.slackUserId });
    if (owner && owner.name !== name) throw new ApiError(409, 'CONFLICT', `Slack user ${patch.slackUserId} already belongs to principal "${owner.name}"`);
  }
  let row = await em.findOne(PrincipalProfile, { name });
  const created = !row;
  if (!row) row = em.create(PrincipalProfile, { name, email: null, slackUserId: null, updatedAt: new Date() });
  if (patch.email !== undefined) row.email = patch.email ? patch.email.toLowerCase() : null;
  if (patch.slackUserId !== undefined) row.slackUserId = patch.slackUserId;
  row.updatedAt = new Date();
  try {
    await em.flush();
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) throw new ApiError(409, 'CONFLICT', `Slack user ${patch.slackUserId ?? ''} already belongs to another principal`);
    throw err;
  }
  return { view: toProfileView(row), created };
}

/** The principal a Slack user is mapped to, by Slack user id, else by email (one match only). */
export async function principalOfSlackUser(em: EntityManager, slackUserId: string, email?: string): Promise<string | undefined> {
  const byId = await em.findOne(PrincipalProfile, { slackUserId });
  if (byId) return byId.name;
  if (!email) return undefined;
  const byEmail = await em.find(PrincipalProfile, { email: email.toLowerCase() }, { limit: 2 });
  return byEmail.length === 1 ? byEmail[0]!.name : undefined;
}

/** Email addresses of the named principals that have one. */
export async function emailsOf(em: EntityManager, names: string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const rows = await em.find(PrincipalProfile, { name: { $in: names }, email: { $ne: null } });
  return new Map(rows.map((r) => [r.name, r.email!]));
}
