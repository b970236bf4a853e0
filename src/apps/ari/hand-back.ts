import { changeAssistantRecord, lockAssistantRecord, resumeAfterHandoff, type State } from '../../modules/assistant/index.ts';
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
  const record = await lockAssistantRecord(ctx.tx, ws, { contactId });
  if (!record || record.state !== 'handoff') return;
  const context = record.context && typeof record.context === 'object' && !Array.isArray(record.context) ? (record.context as Record<string, unknown>) : {};
  const resumed = resumeAfterHandoff(record.state as State, context);
  await changeAssistantRecord(ctx.tx, ws, record.id, { state: resumed.state, context: resumed.context });
  ctx.log.info({ ari_conversation_id: record.id, state: resumed.state }, 'handed back: the assistant resumes');
};
