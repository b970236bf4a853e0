import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/log.ts';

/** The channel the database announces inbox changes on (migration 0025). */
export const INBOX_CHANNEL = 'inbox_events';

export const INBOX_EVENT_TYPES = ['message.created', 'message.status', 'conversation.updated', 'note.created'] as const;
export type InboxEventType = (typeof INBOX_EVENT_TYPES)[number];

export interface InboxEvent {
  workspace_id: string;
  type: InboxEventType;
  data: Record<string, unknown>;
}

type Subscriber = (event: InboxEvent) => void;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parse(payload: string): InboxEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { workspace_id, type, data } = value as Record<string, unknown>;
  if (typeof workspace_id !== 'string' || !UUID.test(workspace_id)) return undefined;
  if (!INBOX_EVENT_TYPES.includes(type as InboxEventType)) return undefined;
  if (typeof data !== 'object' || data === null) return undefined;
  return { workspace_id, type: type as InboxEventType, data: data as Record<string, unknown> };
}

/**
 * Hands the database's inbox announcements to the subscribers of each workspace. The database
 * says which workspace every event belongs to, and a subscriber only ever hears its own
 * workspace's: that is the whole of the isolation, so it is kept in this one place.
 *
 * One LISTEN for the process, held only while somebody is subscribed. Because the database
 * announces (on commit), every server behind the same PostgreSQL hears every change, whichever
 * server made it.
 */
export class InboxEvents {
  private readonly byWorkspace = new Map<string, Set<Subscriber>>();
  private subscribers = 0;
  private listening: Promise<() => Promise<void>> | undefined;

  constructor(
    private readonly db: Pick<Database, 'listen'>,
    private readonly log: Logger,
  ) {}

  private deliver(payload: string): void {
    const event = parse(payload);
    if (!event) {
      this.log.warn({ channel: INBOX_CHANNEL }, 'ignored a malformed inbox event');
      return;
    }
    for (const fn of this.byWorkspace.get(event.workspace_id) ?? []) {
      try {
        fn(event);
      } catch (e) {
        this.log.error({ err: e }, 'an inbox event subscriber failed');
      }
    }
  }

  /**
   * Calls `fn` with each event of `workspaceId` from the moment this resolves until the
   * returned function is called.
   */
  async subscribe(workspaceId: string, fn: Subscriber): Promise<() => Promise<void>> {
    let set = this.byWorkspace.get(workspaceId);
    if (!set) this.byWorkspace.set(workspaceId, (set = new Set()));
    // The same function twice is two subscriptions: wrap it so that each unsubscribes alone.
    const own: Subscriber = (e) => fn(e);
    set.add(own);
    this.subscribers++;
    try {
      await (this.listening ??= this.db.listen(INBOX_CHANNEL, (p) => this.deliver(p)));
    } catch (e) {
      this.listening = undefined;
      await this.remove(workspaceId, own);
      throw e;
    }
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      await this.remove(workspaceId, own);
    };
  }

  private async remove(workspaceId: string, fn: Subscriber): Promise<void> {
    const set = this.byWorkspace.get(workspaceId);
    if (set?.delete(fn)) this.subscribers--;
    if (set && set.size === 0) this.byWorkspace.delete(workspaceId);
    if (this.subscribers === 0 && this.listening) {
      const listening = this.listening;
      this.listening = undefined;
      const unlisten = await listening.catch(() => undefined);
      await unlisten?.();
    }
  }

  /** How many streams are open, for tests and metrics. */
  get size(): number {
    return this.subscribers;
  }
}
