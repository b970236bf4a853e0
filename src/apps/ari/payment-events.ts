import {
  applyPaymentEvent,
  changeAssistantRecord,
  leadStatusFor,
  lockAssistantRecord,
  RULE_ENGINE,
  insertAriMessage,
  loadAssistantSettings,
  type PaymentEvent,
  type Temperature,
} from '../../modules/assistant/index.ts';
import { syncLead } from '../../modules/contacts/index.ts';
import { handOverThread, queueNotice } from '../../modules/conversations/index.ts';
import type { PaymentListener } from '../../modules/payments/index.ts';
import { getWorkspace } from '../../modules/tenancy/index.ts';
import { workspaceIdOf } from '../../platform/context.ts';

const EVENTS: Partial<Record<string, PaymentEvent>> = { success: 'paid', failed: 'failed', expired: 'expired' };

/**
 * What a payment's new status means to a customer the assistant asked to pay: the engine's
 * applyPaymentEvent decides (paid: the confirmation and scheduling; failed: the link again,
 * or a person after two failures; expired: an offer of a new link), the assistant's record
 * takes the new state and context, and the message is queued in the contact's inbox. Wired
 * into the payments module (Midtrans notifications, status checks, the demo gateway) in
 * src/http.ts and by `frontdesk chat`. Payments the assistant did not ask for (its state was
 * not payment before the status moved) say nothing.
 */
export const tellCustomerAboutPayment: PaymentListener = async (ctx, { payment, assistantStateBefore }) => {
  const event = EVENTS[payment.status];
  if (!event || assistantStateBefore !== 'payment') return null;
  const ws = workspaceIdOf(ctx);
  const now = ctx.clock.now();
  const record = await lockAssistantRecord(ctx.tx, ws, { id: payment.ari_conversation_id });
  if (!record) throw new Error(`payment ${payment.id}: no assistant record ${payment.ari_conversation_id}`);
  const workspace = await getWorkspace(ctx);
  const { persona } = await loadAssistantSettings(ctx.tx, ws);
  const result = applyPaymentEvent({
    state: 'payment',
    context: (record.context ?? {}) as Record<string, unknown>,
    event,
    now,
    timeZone: workspace.time_zone,
    persona,
    currency: workspace.currency,
  });

  await changeAssistantRecord(ctx.tx, ws, record.id, {
    state: result.state,
    context: result.context,
    handoff: result.handoff ? { at: now, reason: result.handoff.reason } : undefined,
  });
  if (result.reply === null) return null;

  const ariMessageId = await insertAriMessage(ctx.tx, ws, {
    ariConversationId: record.id,
    role: 'assistant',
    content: result.reply,
    model: RULE_ENGINE,
    tokens: 0,
    latencyMs: 0,
    metadata: { payment_event: event, payment_id: payment.id },
    now,
  });
  const queued = await queueNotice(ctx, {
    contactId: record.contact_id,
    body: result.reply,
    metadata: { kind: 'payment', payment_event: event, payment_id: payment.id, ari_message_id: ariMessageId },
  });
  if (result.handoff) {
    await handOverThread(ctx.tx, ws, queued.conversationId);
    const temperature = (record.lead_temperature ?? 'cold') as Temperature;
    await syncLead(ctx.tx, ws, record.contact_id, {
      lead_score: record.lead_score,
      lead_temperature: temperature,
      lead_status: leadStatusFor(temperature),
      tags: result.handoff.tags,
      note: result.handoff.summary,
      now,
    });
  }
  ctx.log.info({ payment_id: payment.id, event, state: result.state }, 'the customer was told about the payment');
  return result.reply;
};
