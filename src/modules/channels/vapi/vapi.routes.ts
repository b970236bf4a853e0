import type { RouteDeps } from '../../../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, json, z } from '../../../platform/http/router.ts';
import { receiveVapiMessage, type CallAssistant } from './vapi.service.ts';

const Stored = z
  .object({
    result: z.enum(['stored', 'duplicate', 'ignored']),
    call_id: z.string().optional(),
    booking_id: z.string().nullable().optional(),
  })
  .openapi('VapiReceived');
const AssistantAnswer = z
  .object({
    assistant: z
      .object({
        name: z.string(),
        firstMessage: z.string(),
        firstMessageMode: z.literal('assistant-speaks-first'),
        model: z.object({
          provider: z.string(),
          model: z.string(),
          messages: z.array(z.object({ role: z.literal('system'), content: z.string() })),
          tools: z.array(
            z.object({
              type: z.literal('function'),
              function: z.object({ name: z.string(), description: z.string(), parameters: z.record(z.string(), z.unknown()) }),
              server: z.object({ url: z.string() }),
            }),
          ),
        }),
        voice: z.object({ provider: z.string(), voiceId: z.string() }).optional(),
        transcriber: z.object({ provider: z.literal('deepgram'), model: z.string(), language: z.string() }),
        serverMessages: z.array(z.string()),
        analysisPlan: z.object({ structuredDataPlan: z.object({ enabled: z.literal(true), schema: z.record(z.string(), z.unknown()) }) }),
      })
      .openapi({ description: "a transient assistant (Vapi's CreateAssistantDTO): the workspace's prompt, first message, voice, model and tools" }),
  })
  .openapi('VapiAssistantAnswer');
const ToolResults = z
  .object({ results: z.array(z.object({ toolCallId: z.string(), name: z.string(), result: z.string().openapi({ description: "the tool's JSON answer, as a string" }) })) })
  .openapi('VapiToolResults');

/** The voice agent's server URL: call reports and tool calls from Vapi, answered with the workspace's assistant (`assistant`, given by the entry point). */
export function vapiWebhookRoutes(deps: RouteDeps & { assistant: CallAssistant }) {
  const r = createRouter();
  r.openapi(
    createRoute({
      method: 'post', path: '/webhooks/vapi', tags: ['webhooks'], summary: 'Vapi server messages: assistant requests, end-of-call reports and tool calls',
      description:
        "Vapi's {\"message\": {...}} body, read raw. The workspace is the one whose Vapi settings list the call's assistantId or phoneNumberId; " +
        "the message must carry the signature of the workspace's HMAC credential when one is set (hmac_secret: the signature header over " +
        '"{timestamp}.{body}" by default, the timestamp within 5 minutes), else its secret in X-Vapi-Secret; otherwise 401. ' +
        "An assistant-request is answered with the workspace's assistant (its voice prompt, first message, voice, model and tools), so a phone " +
        'number needs no assistant of its own on Vapi. An end-of-call-report is stored in calls once (a repeat answers ' +
        '"duplicate"), with its contact and the booking its structured data captured; tool-calls are answered with the receptionist\'s tools ' +
        '(check_services, check_service_area, get_availability, create_booking) as {"results": [{toolCallId, name, result}]}. Other types are ignored.',
      responses: { 200: json(z.union([Stored, ToolResults, AssistantAnswer]), 'received'), ...errorResponses },
    }),
    async (c) => {
      const serverUrl = `${(deps.publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '')}/webhooks/vapi`;
      const vapi = { db: deps.db, secrets: deps.secrets, clock: deps.clock, log: c.var.log, assistant: deps.assistant, serverUrl };
      return c.json(await receiveVapiMessage(vapi, await c.req.text(), { get: (n) => c.req.header(n) }), 200);
    },
  );
  return r;
}
