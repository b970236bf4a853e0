import { STATES } from '../../modules/assistant/engine/index.ts';
import type { EnvironmentModel } from '../../modules/assistant/index.ts';
import { Rank, type RouteDeps } from '../../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, json, jsonBody, z } from '../../platform/http/router.ts';
import { answerInbound } from '../answer.ts';
import { CHANNELS, MAX_MESSAGE_CHARS, type TurnOptions } from '../turn/run.ts';

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

  return r;
}
