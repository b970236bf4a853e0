import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { createSecretBox, parseSecretKey } from './secrets.ts';

it('seals and opens, with a fresh nonce each time, and refuses tampering or the wrong key', () => {
  const box = createSecretBox(randomBytes(32));
  const a = box.seal('SB-Mid-server-abc');
  const b = box.seal('SB-Mid-server-abc');
  expect(a).not.toBe(b);
  expect(a).not.toContain('SB-Mid');
  expect(box.open(a)).toBe('SB-Mid-server-abc');
  const parts = a.split('.');
  parts[3] = Buffer.from('tampered').toString('base64url');
  expect(() => box.open(parts.join('.'))).toThrow(/cannot be decrypted/);
  expect(() => createSecretBox(randomBytes(32)).open(a)).toThrow(/cannot be decrypted/);
});

it('accepts keys as hex or base64 and refuses other lengths', () => {
  const key = randomBytes(32);
  expect(parseSecretKey(key.toString('hex'))).toEqual(key);
  expect(parseSecretKey(key.toString('base64'))).toEqual(key);
  expect(() => parseSecretKey('short')).toThrow(/32 bytes/);
});
