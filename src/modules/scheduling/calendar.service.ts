import type { Ctx } from '../../platform/context.ts';
import { AppError, invalidInput } from '../../platform/errors.ts';
import { toPage } from '../../platform/http/router.ts';
import { newId } from '../../platform/ids.ts';
import * as repo from './scheduling.repo.ts';
import {
  patternIssues,
  type ClosedDateCreate,
  type ClosedDatePatch,
  type ClosedDateRow,
  type ConsultantSlot,
  type ConsultantSlotCreate,
  type ConsultantSlotPatch,
} from './scheduling.schema.ts';
import { schedulingError, workspaceOf } from './scheduling.service.ts';

/** The weekly patterns (consultant_slots) and closed dates that availability is made from. */

const patternNotFound = () => new AppError('consultant_slot.not_found', 'not_found', 'no such consultant slot in this workspace');
const closedNotFound = () => new AppError('closed_date.not_found', 'not_found', 'no such closed date in this workspace');

function checkPattern(p: { start_time: string; end_time: string; duration_minutes: number }) {
  const issues = patternIssues(p);
  if (issues.length) throw invalidInput(...issues);
}

export async function createPattern(ctx: Ctx, input: ConsultantSlotCreate): Promise<ConsultantSlot> {
  checkPattern(input);
  try {
    return await repo.insertPattern(ctx.tx, { ...input, id: newId(), workspace_id: workspaceOf(ctx) });
  } catch (e) {
    throw schedulingError(e);
  }
}

export async function getPattern(ctx: Ctx, id: string): Promise<ConsultantSlot> {
  const row = await repo.findPattern(ctx.tx, workspaceOf(ctx), id);
  if (!row) throw patternNotFound();
  return row;
}

export async function updatePattern(ctx: Ctx, id: string, patch: ConsultantSlotPatch): Promise<ConsultantSlot> {
  const current = await getPattern(ctx, id);
  if (Object.keys(patch).length === 0) return current;
  checkPattern({ ...current, ...patch });
  let row: ConsultantSlot | undefined;
  try {
    row = await repo.updatePattern(ctx.tx, workspaceOf(ctx), id, patch);
  } catch (e) {
    throw schedulingError(e);
  }
  if (!row) throw patternNotFound();
  return row;
}

export async function deletePattern(ctx: Ctx, id: string): Promise<void> {
  if (!(await repo.deletePattern(ctx.tx, workspaceOf(ctx), id))) throw patternNotFound();
}

export async function listPatterns(ctx: Ctx, q: { consultant_id?: string | undefined; day_of_week?: number | undefined; cursor?: string | undefined; limit: number }) {
  const rows = await repo.listPatterns(ctx.tx, workspaceOf(ctx), { consultantId: q.consultant_id, dayOfWeek: q.day_of_week, cursor: q.cursor, limit: q.limit });
  return toPage(rows, q.limit);
}

export async function createClosedDate(ctx: Ctx, input: ClosedDateCreate): Promise<ClosedDateRow> {
  try {
    return await repo.insertClosedDate(ctx.tx, { ...input, id: newId(), workspace_id: workspaceOf(ctx) });
  } catch (e) {
    throw schedulingError(e);
  }
}

export async function getClosedDate(ctx: Ctx, id: string): Promise<ClosedDateRow> {
  const row = await repo.findClosedDate(ctx.tx, workspaceOf(ctx), id);
  if (!row) throw closedNotFound();
  return row;
}

export async function updateClosedDate(ctx: Ctx, id: string, patch: ClosedDatePatch): Promise<ClosedDateRow> {
  if (Object.keys(patch).length === 0) return getClosedDate(ctx, id);
  let row: ClosedDateRow | undefined;
  try {
    row = await repo.updateClosedDate(ctx.tx, workspaceOf(ctx), id, patch);
  } catch (e) {
    throw schedulingError(e);
  }
  if (!row) throw closedNotFound();
  return row;
}

export async function deleteClosedDate(ctx: Ctx, id: string): Promise<void> {
  if (!(await repo.deleteClosedDate(ctx.tx, workspaceOf(ctx), id))) throw closedNotFound();
}

export async function listClosedDates(ctx: Ctx, q: { from?: string | undefined; to?: string | undefined; consultant_id?: string | undefined; cursor?: string | undefined; limit: number }) {
  const rows = await repo.listClosedDates(ctx.tx, workspaceOf(ctx), { from: q.from, to: q.to, consultantId: q.consultant_id, cursor: q.cursor, limit: q.limit });
  return toPage(rows, q.limit);
}
