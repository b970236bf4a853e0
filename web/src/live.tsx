import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

/**
 * The workspace's inbox events (GET /api/v1/events/stream), one stream for the whole app: each
 * event refetches the inbox list and the thread it concerns, and a note that mentions the
 * signed-in person refetches their mentions (the badge in the top bar). Events are not
 * replayed, so every (re)connection refetches all. `useLive()` says whether the stream is up,
 * so that screens poll only while it is not.
 */
const Live = createContext(false);
export const useLive = () => useContext(Live);

export function LiveProvider({ workspaceId, userId, children }: { workspaceId: string; userId: string; children: ReactNode }) {
  const qc = useQueryClient();
  const [live, setLive] = useState(false);
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource(`/api/v1/events/stream?workspace_id=${encodeURIComponent(workspaceId)}`);
    const refetchAll = () => {
      setLive(true);
      void qc.invalidateQueries({ queryKey: ['conversations', workspaceId] });
      void qc.invalidateQueries({ queryKey: ['conversation', workspaceId] });
      void qc.invalidateQueries({ queryKey: ['mentions', workspaceId] });
    };
    const changed = (e: MessageEvent<string>) => {
      let data: { id?: string; conversation_id?: string; mentions?: unknown } = {};
      try {
        data = JSON.parse(e.data) as typeof data;
      } catch {
        // an event we cannot read still means something changed
      }
      void qc.invalidateQueries({ queryKey: ['conversations', workspaceId] });
      const conversation = data.conversation_id ?? (e.type === 'conversation.updated' ? data.id : undefined);
      void qc.invalidateQueries({ queryKey: conversation ? ['conversation', workspaceId, conversation] : ['conversation', workspaceId] });
      if (e.type === 'note.created' && Array.isArray(data.mentions) && data.mentions.includes(userId)) {
        void qc.invalidateQueries({ queryKey: ['mentions', workspaceId] });
      }
    };
    source.addEventListener('ready', refetchAll);
    for (const type of ['message.created', 'message.status', 'conversation.updated', 'note.created']) source.addEventListener(type, changed as EventListener);
    source.addEventListener('revoked', () => source.close());
    source.onerror = () => setLive(false);
    return () => source.close();
  }, [qc, workspaceId, userId]);
  return <Live.Provider value={live}>{children}</Live.Provider>;
}
