import type { Language, Slot, Tools } from '../../modules/assistant/index.ts';
import { recordFaqUse, searchKnowledge } from '../../modules/knowledge/index.ts';
import { bookConsultation, loadProfile, slotsBetween } from '../../modules/scheduling/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { inSavepoint } from '../../platform/db/savepoint.ts';
import { findDestinations } from './store.ts';
import { createPayment } from '../../modules/payments/index.ts';
import type { SecretBox } from '../../platform/secrets.ts';

/** How far ahead the assistant offers consultations. */
export const SLOT_HORIZON_DAYS = 14;
const DAY_MS = 86_400_000;

export interface ToolScope {
  workspaceId: string;
  contactId: string;
  /** The conversation's language, for slot labels. */
  language: Language;
  /** ISO 3166 alpha-2, for the zone's name as the workspace's country writes it (WIB). */
  country: string;
}

const LABELS = new Map<string, Intl.DateTimeFormat>();

/** 'Selasa, 24 Nov 14:00 WIB': the slot in the workspace's zone and the conversation's language. */
export function slotLabel(start: Date, timeZone: string, language: Language, country: string): string {
  const key = `${language}|${country}|${timeZone}`;
  let fmt = LABELS.get(key);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat(`${language}-${country}`, { timeZone, weekday: 'long', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
    LABELS.set(key, fmt);
  }
  const parts = Object.fromEntries(fmt.formatToParts(start).map((p) => [p.type, p.value]));
  return `${parts.weekday}, ${parts.day} ${parts.month} ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
}

/**
 * The engine's tools over this workspace's knowledge, destinations and calendar, in the
 * turn's transaction.
 */
/** What the playground shows where a payment link would be: it creates none. */
export const PREVIEW_PAYMENT_LINK = '[payment link: not created in the playground]';

export function ariTools(ctx: Ctx, scope: ToolScope, secrets?: SecretBox, preview = false): Tools {
  return {
    searchKnowledge: (q) => searchKnowledge(ctx, { q }),
    async recordFaqUse(id) {
      await inSavepoint(ctx, 'ari_faq_use', () => recordFaqUse(ctx, id));
    },
    findDestinations: (country) => findDestinations(ctx.tx, scope.workspaceId, country),
    async availableSlots(): Promise<Slot[]> {
      const profile = await loadProfile(ctx);
      const from = ctx.clock.now();
      const slots = await slotsBetween(ctx, profile, { from, to: new Date(from.getTime() + SLOT_HORIZON_DAYS * DAY_MS) });
      return slots.map((s) => ({
        start: s.start,
        end: s.end,
        consultant_id: s.consultant_id,
        local_label: slotLabel(new Date(s.start), profile.timeZone, scope.language, scope.country),
      }));
    },
    async book(slot) {
      const appointment = await inSavepoint(ctx, 'ari_book', () =>
        bookConsultation(ctx, { contact_id: scope.contactId, start: slot.start }),
      );
      return { appointment_id: appointment.id };
    },
    async paymentLink(appointmentId) {
      if (!secrets) return null;
      if (preview) return { url: PREVIEW_PAYMENT_LINK, expires_at: new Date(ctx.clock.now().getTime() + DAY_MS).toISOString() };
      const payment = await inSavepoint(ctx, 'ari_pay', () => createPayment(ctx, secrets, { appointment_id: appointmentId }));
      return payment.redirect_url ? { url: payment.redirect_url, expires_at: (payment.expires_at ?? new Date()).toISOString() } : null;
    },
  };
}
