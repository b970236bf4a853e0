import { getContact } from '../../contacts/index.ts';
import { assistantContext, setHandoffSummary } from '../record.repo.ts';
import { leadSummary } from '../summary.ts';
import type { Turn } from './turn.ts';

/**
 * Writes the lead summary (who, wants, budget, timeline, documents, language, why) on the
 * record a turn hands to a person. The turn calls it twice: before the app keeps its decision,
 * because the database raises handoff.requested (webhooks, the staff notice) as handoff_at is
 * set and sends the row as it is then; and after, so the summary kept also holds what the
 * handing-over message itself said.
 */
export async function keepHandoffSummary(turn: Turn, reason: string): Promise<void> {
  const { ctx, ws, record, contactId } = turn;
  const raw = await assistantContext(ctx.tx, ws, record.id);
  const context = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const contact = await getContact(ctx, contactId);
  const summary = leadSummary({ context, contact: { name: contact.name, phone: contact.phone ?? turn.phone ?? null, email: contact.email }, handoffReason: reason, fallbackLanguage: turn.workspace.locale });
  await setHandoffSummary(ctx.tx, ws, record.id, summary.text);
}
