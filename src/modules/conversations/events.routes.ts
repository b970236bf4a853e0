import { createMiddleware } from 'hono/factory';
import { streamSSE } from 'hono/streaming';
import type { Database } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { Rank, type AppEnv, type RouteDeps } from '../../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, z } from '../../platform/http/router.ts';
import type { InboxEvent, InboxEvents } from './inbox-events.ts';

const tags = ['inbox'];

const StreamQuery = z.object({
  workspace_id: z.uuid().optional().openapi({
    description: 'the workspace, for clients that cannot send the X-Workspace-Id header (a browser EventSource); the header wins',
  }),
});

/** An EventSource cannot send headers, so a signed-in person may name the workspace in the query. */
const workspaceFromQuery = createMiddleware<AppEnv>(async (c, next) => {
  const ws = c.req.query('workspace_id');
  if (ws) c.set('requestedWorkspace', ws);
  await next();
});

/** Whether the stream's caller still belongs to the workspace (a member removed, a key revoked). */
async function stillAllowed(db: Database, actor: AppEnv['Variables']['actor']): Promise<boolean> {
  try {
    const { rows } = await withTenant(db, actor, (tx) => tx.query<{ rank: number | null }>('select app.workspace_rank() as rank'));
    return rows[0]?.rank != null;
  } catch {
    // The database being away is not a revocation; the next check decides.
    return true;
  }
}

export interface EventsRouteDeps extends RouteDeps {
  inboxEvents: InboxEvents;
  /** How often the stream sends a keep-alive and re-checks the caller's access. */
  heartbeatMs?: number;
}

export function inboxEventsRoutes(deps: EventsRouteDeps) {
  const r = createRouter();
  const heartbeatMs = deps.heartbeatMs ?? 25_000;

  r.openapi(
    createRoute({
      method: 'get', path: '/events/stream', tags, summary: 'The inbox, live: server-sent events of the workspace',
      description:
        'A text/event-stream of the workspace\'s inbox changes, whichever way they happened (a customer\'s message, the assistant, a colleague, a delivery report). ' +
        'First `ready` (data `{"workspace_id"}`) once the stream is listening, then:\n\n' +
        '- `message.created`: `{id, conversation_id, channel, direction, sender_kind, delivery_status, error, preview, created_at}`; `preview` is the first 280 characters of the body\n' +
        '- `message.status`: `{id, conversation_id, delivery_status, error}` (sent, delivered, read, failed with its reason)\n' +
        '- `conversation.updated`: `{id, contact_id, channel, status, owner, assignee_id, snoozed_until, last_message_at, last_inbound_at, unread_count, created}`\n' +
        '- `note.created`: `{id, conversation_id, author_id, preview, created_at, mentions}`: a private note for the team; `mentions` lists the user ids it mentions\n\n' +
        'and a `: ping` comment every 25 seconds. Only committed changes are sent, only of this workspace. Events are not replayed: after a reconnect, refetch what is on screen. ' +
        'Access is checked again at every ping; a caller no longer in the workspace gets `revoked` and the stream ends. ' +
        'A signed-in browser names the workspace with `?workspace_id=` (EventSource cannot send headers).',
      middleware: [workspaceFromQuery, ...deps.inWorkspace(Rank.readOnly)],
      request: { query: StreamQuery },
      responses: {
        200: { description: 'the event stream', content: { 'text/event-stream': { schema: z.string() } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const actor = c.var.actor;
      const workspaceId = (actor as { workspaceId: string }).workspaceId;
      const log = c.var.log;
      return streamSSE(
        c,
        async (stream) => {
          // Writes go one after another, in the order the database announced them.
          let queue = Promise.resolve();
          const send = (event: InboxEvent) => {
            queue = queue.then(() => stream.writeSSE({ event: event.type, data: JSON.stringify(event.data) })).catch(() => {});
          };
          // A client that goes away ends the wait at once, not at the next ping.
          let wake = () => {};
          stream.onAbort(() => wake());
          const pause = () =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, heartbeatMs);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
          const unsubscribe = await deps.inboxEvents.subscribe(workspaceId, send);
          try {
            await stream.writeSSE({ event: 'ready', data: JSON.stringify({ workspace_id: workspaceId }), retry: 3000 });
            while (!stream.aborted && !stream.closed) {
              await pause();
              if (stream.aborted || stream.closed) break;
              if (!(await stillAllowed(deps.db, actor))) {
                await queue;
                await stream.writeSSE({ event: 'revoked', data: JSON.stringify({ workspace_id: workspaceId }) });
                break;
              }
              queue = queue.then(() => stream.write(': ping\n\n')).then(() => undefined, () => undefined);
              await queue;
            }
          } finally {
            await unsubscribe();
          }
        },
        async (e) => {
          log.error({ err: e }, 'inbox event stream failed');
        },
      );
    },
  );

  return r;
}
