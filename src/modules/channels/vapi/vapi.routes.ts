import type { RouteDeps } from '../../../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, json, z } from '../../../platform/http/router.ts';
import { presentedSecret, receiveVapiMessage, type CallAssistant } from './vapi.service.ts';

const Stored = z
  .object({
    result: z.enum(['stored', 'duplicate', 'ignored']),
    call_id: z.string().optional(),
    booking_id: z.string().nullable().optional(),
  })
  .openapi('VapiReceived');
const ToolResults = z
  .object({ results: z.array(z.object({ toolCallId: z.string(), name: z.string(), result: z.string().openapi({ description: "the tool's JSON answer, as a string" }) })) })
  .openapi('VapiToolResults');

/** The voice agent's server URL: call reports and tool calls from Vapi, answered with the workspace's assistant (`assistant`, given by the entry point). */
export function vapiWebhookRoutes(deps: RouteDeps & { assistant: CallAssistant }) {
  const r = createRouter();
  r.openapi(
    createRoute({
      method: 'post', path: '/webhooks/vapi', tags: ['webhooks'], summary: 'Vapi server messages: end-of-call reports and tool calls',
      description:
        "Vapi's {\"message\": {...}} body, read raw. The workspace is the one whose Vapi settings list the call's assistantId or phoneNumberId; " +
        'its secret must come in X-Vapi-Secret, else 401. An end-of-call-report is stored in calls once (a repeat answers ' +
        '"duplicate"), with its contact and the booking its structured data captured; tool-calls are answered with the receptionist\'s tools ' +
        '(check_services, check_service_area, get_availability, create_booking) as {"results": [{toolCallId, name, result}]}. Other types are ignored.',
      responses: { 200: json(z.union([Stored, ToolResults]), 'received'), ...errorResponses },
    }),
    async (c) => c.json(await receiveVapiMessage({ db: deps.db, secrets: deps.secrets, clock: deps.clock, log: c.var.log, assistant: deps.assistant }, await c.req.text(), presentedSecret({ get: (n) => c.req.header(n) })), 200),
  );
  return r;
}
