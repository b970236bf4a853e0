import { STATES, CHANNELS, MAX_MESSAGE_CHARS, type TurnOptions, type EnvironmentModel } from '../../modules/assistant/index.ts';
import { Rank, type RouteDeps } from '../../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, json, jsonBody, z } from '../../platform/http/router.ts';
import { answerInbound, previewInbound, type PreviewTurn } from '../answer.ts';
import { Faq } from '../../modules/knowledge/index.ts';
import { AnswerUnanswered, answerUnanswered } from '../unanswered.ts';

const NoNul = /^[^\u0000]*$/;

const TurnCreate = z
  .strictObject({
    phone: z.string().trim().min(1).max(40).optional().openapi({ description: "the customer's number, international or in the workspace's country", example: '081234567099' }),
    contact_id: z.uuid().optional().openapi({ description: 'an existing contact, instead of a phone' }),
    channel: z.enum(CHANNELS),
    message: z.string().trim().min(1).max(MAX_MESSAGE_CHARS).regex(NoNul, 'must not contain NUL characters').openapi({ example: 'Halo, saya mau kuliah S2 di UK' }),
    provider_message_id: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .regex(NoNul, 'must not contain NUL characters')
      .optional()
      .openapi({ description: "the channel's message id: a redelivery is answered from the record, not run again" }),
  })
  .refine((b) => (b.phone === undefined) !== (b.contact_id === undefined), { message: 'give either phone or contact_id', path: ['phone'] })
  .openapi('AssistantTurnCreate');

const Turn = z
  .object({
    reply: z.string().nullable().openapi({ description: 'queued in the inbox for the channel to deliver; null: the assistant stays silent' }),
    state: z.enum(STATES),
    lead_score: z.number().int(),
    lead_temperature: z.enum(['hot', 'warm', 'cold']).nullable(),
    handoff: z.boolean().openapi({ description: 'true once the conversation is with a person' }),
    contact_id: z.uuid(),
    conversation_id: z.uuid().openapi({ description: 'the inbox conversation' }),
  })
  .openapi('AssistantTurn');

const PlaygroundCreate = z
  .strictObject({
    channel: z.enum(CHANNELS).default('webchat').openapi({ description: 'the channel the assistant answers as (its system prompt and reply length)' }),
    messages: z
      .array(z.string().trim().min(1).max(MAX_MESSAGE_CHARS).regex(NoNul, 'must not contain NUL characters'))
      .min(1)
      .max(30)
      .openapi({ description: "the customer's messages so far, oldest first; the last is the one to answer", example: ['Halo, saya mau kuliah S2 di UK', 'Berapa biaya konsultasi?'] }),
  })
  .openapi('PlaygroundCreate');

const KnowledgeUsed = z
  .object({
    source: z.enum(['entry', 'faq', 'destination', 'answer']),
    id: z.uuid().nullable(),
    title: z.string(),
    used: z.boolean().openapi({ description: 'true: the reply was made from it; false: it was found but not good enough' }),
  })
  .openapi('PlaygroundKnowledge');

const PlaygroundTurn = z
  .object({
    message: z.string(),
    reply: z.string().nullable().openapi({ description: 'what the customer would be sent (nothing is sent); null: the assistant would stay silent' }),
    state: z.enum(STATES),
    lead_score: z.number().int(),
    lead_temperature: z.enum(['hot', 'warm', 'cold']).nullable(),
    handoff: z.boolean(),
    model: z.string().nullable().openapi({ description: 'who wrote the reply: a model arm, or rule-engine' }),
    stage: z.string().nullable().openapi({ description: "the workspace's flow stage for the state" }),
    path: z.string().nullable(),
    trace: z.array(z.string()).openapi({ description: 'why the engine did what it did, one line per decision' }),
    tools: z.array(z.string()).openapi({ description: 'the tools the turn called, in order' }),
    knowledge: z.array(KnowledgeUsed).openapi({ description: 'knowledge entries, FAQs and destinations the turn looked up' }),
  })
  .openapi('PlaygroundTurn');

const Playground = z.object({ turns: z.array(PlaygroundTurn) }).openapi('Playground');

type ToolRecord = { name?: unknown; args?: unknown; arguments?: unknown; result?: unknown };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a turn looked up, from its tool calls (the engine's and a model's) and its trace. */
export function knowledgeOf(metadata: Record<string, unknown>): { tools: string[]; knowledge: z.infer<typeof KnowledgeUsed>[] } {
  const calls = [...(Array.isArray(metadata.tool_calls) ? metadata.tool_calls : []), ...(Array.isArray(metadata.model_tool_calls) ? metadata.model_tool_calls : [])].filter(isObject) as ToolRecord[];
  const trace = (Array.isArray(metadata.trace) ? metadata.trace : []).join('\n');
  const counted = new Set(calls.filter((c) => c.name === 'recordFaqUse').map((c) => String(c.args)));
  const out = new Map<string, z.infer<typeof KnowledgeUsed>>();
  for (const c of calls) {
    const result = c.result;
    if (Array.isArray(result)) {
      for (const r of result.filter(isObject)) {
        if (typeof r.source === 'string' && typeof r.id === 'string' && typeof r.title === 'string' && ['entry', 'faq', 'destination'].includes(r.source)) {
          const used = counted.has(r.id) || trace.includes(r.id);
          const prev = out.get(r.id);
          out.set(r.id, { source: r.source as 'entry', id: r.id, title: r.title, used: used || (prev?.used ?? false) });
        } else if (typeof r.university_name === 'string' && typeof r.id === 'string') {
          out.set(r.id, { source: 'destination', id: r.id, title: r.university_name, used: true });
        }
      }
    } else if (c.name === 'answer_question') {
      // The receptionist's answer (the text it found), or a model's call of the same tool.
      const text = typeof result === 'string' ? result : isObject(result) && typeof result.answer === 'string' ? result.answer : undefined;
      if (text) out.set(`answer:${text}`, { source: 'answer', id: null, title: text, used: true });
    }
  }
  return { tools: calls.map((c) => String(c.name)), knowledge: [...out.values()] };
}

const toPlaygroundTurn = (t: PreviewTurn): z.infer<typeof PlaygroundTurn> => {
  const m = t.metadata;
  return {
    message: t.message,
    reply: t.reply,
    state: t.state,
    lead_score: t.lead_score,
    lead_temperature: t.lead_temperature,
    handoff: t.handoff,
    model: t.model,
    stage: typeof m.stage === 'string' ? m.stage : typeof m.step === 'string' ? m.step : null,
    path: typeof m.path === 'string' ? m.path : null,
    trace: Array.isArray(m.trace) ? m.trace.map(String) : [],
    ...knowledgeOf(m),
  };
};

/** ARI's conversation engine over HTTP, for testing it and for channels that deliver messages themselves. */
export function ariRoutes(deps: RouteDeps & { llm?: EnvironmentModel | undefined; turnOptions?: TurnOptions }) {
  const r = createRouter();

  r.openapi(
    createRoute({
      method: 'post',
      path: '/assistant/turns',
      tags: ['assistant'],
      summary: 'Run one customer message through the assistant',
      description:
        'Finds or creates the contact (by phone: local and international forms are the same person), its inbox conversation on the channel and its assistant record; stores the message; and, unless the assistant is switched off, a person owns the conversation or it was handed off or completed, decides the reply (the ARI consultancy flow, or the receptionist for a voice-template workspace; the configured model when there is one, else the built-in engine) and queues it in the inbox. The model, when there is one, writes with no transaction open: the message and the decision are committed first, the reply after. A workspace runs a few turns at once (TURNS_PER_WORKSPACE); a turn that finds no place in time is refused with 503 `busy` and Retry-After, having stored nothing.',
      middleware: deps.inWorkspaceUnbound(Rank.member),
      request: { body: jsonBody(TurnCreate) },
      responses: { 200: json(Turn, 'the reply and the conversation after it'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const common = { channel: body.channel, message: body.message, providerMessageId: body.provider_message_id };
      const who = body.contact_id !== undefined ? { contactId: body.contact_id } : { phone: body.phone! };
      const scope = { db: deps.db, actor: c.var.actor, clock: deps.clock, log: c.var.log };
      return c.json(await answerInbound(scope, { ...who, ...common }, deps.turnOptions ?? { secrets: deps.secrets, llm: deps.llm }), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/assistant/playground',
      tags: ['assistant'],
      summary: "Try the workspace's assistant as a customer, leaving no trace",
      description:
        "Answers the last of `messages` as the workspace's assistant would (the earlier ones are replayed first, so the state, score and context are the ones they lead to), and returns every turn with its reply, state, lead score, flow stage, the engine's trace and the knowledge it looked up. Nothing remains: a stand-in contact, its conversation and everything the turns write (messages, the assistant's record, a booking) are rolled back, nothing is queued for any channel, no payment link is created and no inbox event is sent. A configured model arm words the last reply as in a real turn. Members may use it, as they may run turns.",
      middleware: deps.inWorkspaceUnbound(Rank.member),
      request: { body: jsonBody(PlaygroundCreate) },
      responses: { 200: json(Playground, 'the conversation, turn by turn'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const scope = { db: deps.db, actor: c.var.actor, clock: deps.clock, log: c.var.log };
      const turns = await previewInbound(scope, body.channel, body.messages, deps.turnOptions ?? { secrets: deps.secrets, llm: deps.llm });
      return c.json({ turns: turns.map(toPlaygroundTurn) }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/assistant/unanswered/answer',
      tags: ['assistant'],
      summary: 'Answer an unanswered question with a new FAQ (admin)',
      description:
        "Creates the FAQ and marks every time the question was asked and not answered as answered by it, in one transaction: the question leaves `GET /assistant/unanswered`, and the assistant answers it from the FAQ next time. `marked` is how many unanswered askings it closed (0: the wording matched none; the FAQ is created all the same).",
      middleware: deps.inWorkspace(Rank.admin),
      request: { body: jsonBody(AnswerUnanswered) },
      responses: { 201: json(z.object({ faq: Faq, marked: z.number().int() }).openapi('UnansweredAnswered'), 'the FAQ, and how many askings it answered'), ...errorResponses },
    }),
    async (c) => c.json(await answerUnanswered(c.var.ctx, c.req.valid('json')), 201),
  );

  return r;
}
