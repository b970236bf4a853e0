import { createHash } from 'node:crypto';
import type { Clock } from '../../../platform/clock.ts';
import type { Ctx } from '../../../platform/context.ts';
import type { Database } from '../../../platform/db/database.ts';
import { withServiceRole, withTenant, type Actor } from '../../../platform/db/tenant.ts';
import { pollingLoop } from '../../../platform/backoff.ts';
import type { Logger } from '../../../platform/log.ts';
import type { SecretBox } from '../../../platform/secrets.ts';
import { contactSummaries } from '../../contacts/index.ts';
import { markInboundKind, outgoingMessage, recordMessageFailed, recordMessageSent } from '../../conversations/index.ts';
import * as repo from './delivery.repo.ts';
import { claimLoop, deliverySettings, retryAt, type DeliveryOptions } from '../../../platform/claim-loop.ts';
import { overtakenByPerson, TAKEN_OVER, type ChannelSender, type OutboundMessage, type SendResult } from './sender.ts';
import { findChannelOfWorkspace } from '../settings/settings.service.ts';

/**
 * The assistant's turn for an inbound message (apps/answer.ts's answerInbound, wired by the
 * entry point). It opens its own short transactions as this actor, so no connection is held
 * while a model writes; the worker's claim runs first in the first of them and its bookkeeping
 * last in the one that records the reply. Null when the claim failed.
 */
export type AnswerInbound = (
  scope: { db: Database; actor: Actor; clock: Clock; log: Logger },
  input: {
    phone: string;
    channel: 'whatsapp' | 'sms' | 'webchat';
    message: string;
    providerMessageId: string;
    sms?: { businessNumber: string | null; segments: number | null } | undefined;
  },
  hooks: { claim(ctx: Ctx): Promise<boolean>; recorded(ctx: Ctx, outcome: { contact_id: string }): Promise<void> },
) => Promise<{ contact_id: string } | null>;

export interface ChannelWorkerOptions extends DeliveryOptions {
  db: Database;
  secrets: SecretBox;
  clock: Clock;
  log: Logger;
  answer: AnswerInbound;
  senders: ChannelSender<any>[];
  /**
   * Assistant turns at once. PGlite runs one transaction at a time, so parallel turns there
   * only queue up in front of the webhooks' short transactions: one by default.
   */
  turnConcurrency?: number;
}

export interface ChannelWorker {
  start(): void;
  /** Stops claiming; resolves once the work in hand is recorded. */
  stop(): Promise<void>;
  /** Runs turns and sends until nothing is due (tests, benchmarks). */
  drain(): Promise<{ turns: number; sends: number }>;
}

// Webhooks in this process wake the worker at once instead of waiting for its next poll.
const listeners = new Set<() => void>();
export function wakeChannelWorkers(): void {
  for (const wake of listeners) wake();
}

const laneOf = (key: string, lanes: number) => createHash('sha1').update(key).digest().readUInt32BE(0) % lanes;

/** The turn's lease ended and another worker claimed the message: this turn records nothing. */
class LeaseLost extends Error {
  constructor() {
    super("the inbound message's lease was taken by another worker");
  }
}

const reasonOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The channels' worker: runs the assistant's turn for stored inbound messages, and delivers
 * the outbox through each channel's sender with retries and exponential backoff. All of its
 * state is in the database, so a restart picks up where it stopped.
 */
export function createChannelWorker(o: ChannelWorkerOptions): ChannelWorker {
  const settings = deliverySettings(o);
  const { pollMs, leaseMs, reconcileMs, concurrency } = settings;
  const turnLanes = o.turnConcurrency ?? (o.db.kind === 'pglite' ? 1 : concurrency);
  const byChannel = new Map(o.senders.map((s) => [s.channel, s]));
  const channels = [...byChannel.keys()];
  const system = (workspaceId: string): Actor => ({ kind: 'system', workspaceId });
  const startedAt = o.clock.now().getTime();

  /**
   * One inbound message's turn. The message is claimed for a lease in the turn's first
   * transaction (another worker skips it while that transaction is open and until the lease
   * ends) and marked done in the turn's last one, so a turn the built-in engine answers is one
   * transaction, and one a model words holds no connection while it writes. A turn that was
   * cut off between its transactions (its worker died while the model wrote) is run again
   * after its lease: the message is stored once per provider id, so the retry finds it, and
   * the turn resumes from the decision it kept (runAssistantTurn), answering it once. The
   * lease's end is the claim's token: only the worker holding it records the reply.
   */
  async function answerStoredMessage(row: repo.DueInbound): Promise<boolean> {
    const ws = row.workspace_id;
    const id = row.id;
    const log = o.log.child({ workspace_id: ws, inbound_id: id });
    try {
      let settled = false;
      let leaseUntil: Date | undefined;
      const outcome = await o.answer(
        { db: o.db, actor: system(ws), clock: o.clock, log },
        { phone: row.sender, channel: row.channel, message: row.body, providerMessageId: row.provider_message_id, sms: row.sms },
        {
          claim: async ({ tx, clock }) => {
            const now = clock.now();
            leaseUntil = new Date(now.getTime() + leaseMs);
            return repo.claimInbound(tx, ws, id, now, leaseUntil);
          },
          recorded: async ({ tx, clock }, outcome) => {
            // Whoever holds the lease records the turn: a worker whose lease ended and was taken
            // by another (its model outlived the lease) undoes its whole last transaction, reply
            // included, so the message is answered once.
            if (!leaseUntil || !(await repo.finishInbound(tx, ws, id, clock.now(), leaseUntil))) throw new LeaseLost();
            if (row.content_type !== 'text') await markInboundKind(tx, ws, row.channel, row.provider_message_id, row.content_type);
            await repo.touchWindow(tx, ws, outcome.contact_id, row.channel, row.sent_at);
            settled = true;
          },
        },
      );
      // An answer that ignored the hooks would leave the message pending, to be answered again.
      if (outcome !== null && !settled) throw new Error('the assistant answered without running the worker hooks (claim, recorded)');
      return outcome !== null;
    } catch (e) {
      if (e instanceof LeaseLost) {
        log.warn({ lease_ms: leaseMs }, "an inbound message's lease ended before its turn did, and another worker took it: this turn's reply was not recorded");
        return false;
      }
      // Count the attempt and try again later (what the turn committed is found again, not redone).
      const attempts = await withTenant(o.db, system(ws), async (tx) => {
        const row = await tx.db.selectFrom('channel_inbox').select('attempts').where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
        const attempt = (row?.attempts ?? 0) + 1;
        await repo.retryInbound(tx, ws, id, { error: reasonOf(e), nextAttemptAt: retryAt(o.clock.now(), attempt, settings) });
        return attempt;
      });
      log.error({ err: e, attempts }, 'an inbound message could not be answered; it will be retried');
      return true;
    }
  }

  // Set once the lanes exist: a committed turn may have queued a reply to send.
  let replyQueued = () => {};

  async function turns(): Promise<number> {
    const due = await withServiceRole(o.db, (tx) => repo.dueInbound(tx, o.clock.now(), turnLanes * 4));
    let done = 0;
    // One sender's messages go through one lane, in order: the assistant answers them as written.
    const lanes = new Map<number, typeof due>();
    for (const row of due) {
      const lane = laneOf(`${row.workspace_id}:${row.sender}`, turnLanes);
      lanes.set(lane, [...(lanes.get(lane) ?? []), row]);
    }
    await Promise.all(
      [...lanes.values()].map(async (rows) => {
        for (const row of rows) {
          if (await answerStoredMessage(row)) {
            done++;
            replyQueued();
          }
        }
      }),
    );
    return done;
  }

  async function deliver(claim: repo.Claimed): Promise<void> {
    const ws = claim.workspace_id;
    const log = o.log.child({ workspace_id: ws, message_id: claim.message_id, attempt: claim.attempts });
    const sender = byChannel.get(claim.channel)!;
    const prepared = await withTenant(o.db, system(ws), async (tx) => {
      const m = await outgoingMessage(tx, ws, claim.message_id);
      if (!m) return undefined;
      if (m.delivery_status !== 'queued') {
        // A status callback reported it (or staff gave up on it) while it waited.
        await repo.settleOutbox(tx, ws, m.id, m.delivery_status === 'failed' ? 'failed' : 'sent');
        return undefined;
      }
      if (overtakenByPerson({ byAssistant: m.sender_kind === 'assistant', owner: m.owner, metadata: m.metadata })) {
        if (await repo.recordAttemptFailed(tx, ws, m.id, TAKEN_OVER, null)) await recordMessageFailed(tx, ws, m.id, TAKEN_OVER);
        return undefined;
      }
      const ctx: Ctx = { tx, actor: system(ws), clock: o.clock, log };
      const contact = (await contactSummaries(ctx, [m.contact_id])).get(m.contact_id);
      const account = await findChannelOfWorkspace(tx, o.secrets, ws, sender.provider);
      return { m, contact, account, lastInboundAt: await repo.lastInboundAt(tx, ws, m.contact_id, m.channel) };
    });
    if (!prepared) return;
    const { m, contact, account, lastInboundAt } = prepared;
    const message: OutboundMessage = {
      workspaceId: ws,
      messageId: m.id,
      channel: m.channel,
      conversationId: m.conversation_id,
      contactId: m.contact_id,
      to: { phone: contact?.phone ?? null, email: null },
      body: m.body,
      senderKind: m.sender_kind,
      metadata: m.metadata ?? {},
      attempt: claim.attempts,
      lastInboundAt,
      now: o.clock.now(),
    };
    let result: SendResult;
    try {
      result = await sender.send(message, account);
    } catch (e) {
      result = { outcome: 'retry', reason: reasonOf(e) };
    }
    await withTenant(o.db, system(ws), async (tx) => {
      const now = o.clock.now();
      if (result.outcome === 'sent') {
        await repo.recordSent(tx, ws, m.id, result.providerMessageId, now);
        await recordMessageSent(tx, ws, m.id, result.providerMessageId, result.deliveryStatus ?? 'sent');
      } else if (result.outcome === 'unknown') {
        await repo.recordOutcomeUnknown(tx, ws, m.id, result.reason, now);
      } else {
        const retry = result.outcome === 'retry' ? retryAt(now, claim.attempts, settings) : null;
        if (await repo.recordAttemptFailed(tx, ws, m.id, result.reason, retry)) await recordMessageFailed(tx, ws, m.id, result.reason);
      }
    });
    if (result.outcome === 'sent') log.debug({ provider_message_id: result.providerMessageId }, 'message sent');
    else log.warn({ reason: result.reason, outcome: result.outcome }, 'message not sent');
  }

  // Turns and sends run side by side: a burst of inbound messages does not hold back the replies.
  const sendLane = claimLoop({
    name: 'channel worker sends',
    log: o.log,
    pollMs,
    maxBackoffMs: settings.maxBackoffMs,
    claim: () => {
      const now = o.clock.now();
      // A send whose outcome is unknown waits reconcileMs for the provider's callback, counted from
      // when its claim expired and from when this worker started: callbacks the provider held
      // while the server was down arrive after it is back, not before.
      const unknownBefore = now.getTime() - startedAt >= reconcileMs ? new Date(now.getTime() - reconcileMs) : null;
      return withServiceRole(o.db, (tx) => repo.claimOutbox(tx, { now, leaseMs, unknownBefore, channels, limit: concurrency }));
    },
    work: deliver,
    failed: (c, e) => o.log.error({ err: e, message_id: c.message_id }, 'recording a send failed; the claim expires and the callback reconciles it'),
  });
  // Works while there is work, then sleeps until woken or the poll interval; backs off while passes fail.
  const turnLane = pollingLoop({ name: 'channel worker turns', work: turns, pollMs, maxBackoffMs: settings.maxBackoffMs, log: o.log });

  let running = false;
  replyQueued = () => sendLane.wake();
  const wake = () => {
    turnLane.wake();
    sendLane.wake();
  };

  return {
    start() {
      if (running) return;
      running = true;
      listeners.add(wake);
      turnLane.start();
      sendLane.start();
    },
    async stop() {
      running = false;
      listeners.delete(wake);
      await Promise.all([turnLane.stop(), sendLane.stop()]);
    },
    async drain() {
      const total = { turns: 0, sends: 0 };
      for (;;) {
        const t = await turns();
        const s = await sendLane.pass();
        total.turns += t;
        total.sends += s;
        if (t === 0 && s === 0) return total;
      }
    },
  };
}
