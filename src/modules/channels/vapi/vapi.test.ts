import { expect, it } from 'vitest';
import { callSentiment, callStatus } from './vapi.service.ts';

it("maps Vapi's ended reasons to call statuses and its analysis to a sentiment", () => {
  expect(['customer-ended-call', 'assistant-ended-call', 'hangup', 'exceeded-max-duration'].map(callStatus)).toEqual(['completed', 'completed', 'completed', 'completed']);
  expect(callStatus('customer-did-not-answer')).toBe('no-answer');
  expect(callStatus('customer-busy')).toBe('busy');
  expect(callStatus('pipeline-error-openai-llm-failed')).toBe('failed');
  expect(callStatus(undefined)).toBe('failed');
  expect(callSentiment({ structuredData: { sentiment: 'negative' }, successEvaluation: 'true' })).toBe('negative');
  expect(callSentiment({ successEvaluation: 'true' })).toBe('positive');
  expect(callSentiment({ successEvaluation: false })).toBe('negative');
  expect(callSentiment(null)).toBe('neutral');
});
