import { resumeAfterHandoff, type State } from '../../modules/assistant/index.ts';
import type { ResumeAssistant } from '../../modules/conversations/index.ts';
import { workspaceIdOf } from '../../platform/context.ts';

/**
 * Staff handed a thread back: the contact's assistant record, if the assistant had handed it
 * off, resumes in the state it was in before (the engine's resumeAfterHandoff decides where),
 * so the next message is answered again. Locked like a turn locks it, so a turn running at
 * the same moment sees either the handoff or the resumed state, never half of each.
 */
export const resumeAssistant: ResumeAssistant = async (ctx, contactId) => {
  const ws = workspaceIdOf(ctx);
  const record = await ctx.tx.db
    .selectFrom('ari_conversations')
    .select(['id', 'state', 'context'])
    .where('workspace_id', '=', ws)
    .where('contact_id', '=', contactId)
    .forUpdate()
    .executeTakeFirst();
  if (!record || record.state !== 'handoff') return;
  const context = record.context && typeof record.context === 'object' && !Array.isArray(record.context) ? (record.context as Record<string, unknown>) : {};
  const resumed = resumeAfterHandoff(record.state as State, context);
  await ctx.tx.db
    .updateTable('ari_conversations')
    .set({ state: resumed.state, context: JSON.stringify(resumed.context) })
    .where('workspace_id', '=', ws)
    .where('id', '=', record.id)
    .execute();
  ctx.log.info({ ari_conversation_id: record.id, state: resumed.state }, 'handed back: the assistant resumes');
};
