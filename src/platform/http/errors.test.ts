// Services name the field they refuse; the HTTP edge says where it came from.
import { expect, it } from 'vitest';
import { invalidField, invalidInput } from '../errors.ts';
import { locateIssues, toHttpError } from './errors.ts';

const answer = (e: unknown, method: string, query: string[] = []) => locateIssues(toHttpError(e).body, { method, query: new Set(query) }).error.details;

it('puts a field of a request with a body in the body, and one the URL carries in the query', () => {
  expect(answer(invalidField('customer_phone', 'not a phone number'), 'POST')).toEqual({ issues: [{ path: 'body.customer_phone', message: 'not a phone number' }] });
  expect(answer(invalidField('to', 'must be after from'), 'POST', ['from', 'to'])).toEqual({ issues: [{ path: 'query.to', message: 'must be after from' }] });
  expect(answer(invalidInput({ field: 'cursor', message: 'not a cursor' }, { field: 'assignee', message: 'me needs a person' }), 'GET')).toEqual({
    issues: [
      { path: 'query.cursor', message: 'not a cursor' },
      { path: 'query.assignee', message: 'me needs a person' },
    ],
  });
});

it('leaves issues that already have a path, and errors without issues, as they are', () => {
  const zodLike = toHttpError(invalidField('x', 'y')).body;
  (zodLike.error.details as { issues: unknown[] }).issues = [{ path: 'body.items.0.id', message: 'invalid uuid' }];
  expect(locateIssues(zodLike, { method: 'PUT', query: new Set() })).toEqual(zodLike);
  const plain = toHttpError(new Error('boom')).body;
  expect(locateIssues(plain, { method: 'POST', query: new Set() })).toBe(plain);
});
