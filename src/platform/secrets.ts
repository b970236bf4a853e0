import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from './errors.ts';

/**
 * Encryption at rest for integration secrets (Midtrans server keys, WhatsApp tokens, Twilio
 * auth tokens): AES-256-GCM with a 32-byte key from FRONTDESK_SECRET_KEY. The stored form is
 * `v1.<iv>.<tag>.<ciphertext>` in base64url, so a key rotation can add v2 later.
 */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

export function parseSecretKey(text: string): Buffer {
  const key = Buffer.from(text, /^[0-9a-f]{64}$/i.test(text) ? 'hex' : 'base64');
  if (key.length !== 32) throw new AppError('config.secret_key_invalid', 'invalid', 'FRONTDESK_SECRET_KEY must be 32 bytes, as 64 hex characters or base64');
  return key;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new AppError('config.secret_key_invalid', 'invalid', 'the secret key must be 32 bytes');
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
    },
    open(sealed) {
      const [version, iv, tag, data] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || data === undefined) {
        throw new AppError('secret.unreadable', 'internal', 'a stored secret is not in a known format');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
      } catch (e) {
        throw new AppError('secret.unreadable', 'internal', 'a stored secret cannot be decrypted: was FRONTDESK_SECRET_KEY changed?', undefined, { cause: e });
      }
    },
  };
}

/** For a server started without FRONTDESK_SECRET_KEY: everything works until a secret is stored or read. */
export const missingSecretBox: SecretBox = {
  seal() {
    throw new AppError('config.secret_key_missing', 'unavailable', 'set FRONTDESK_SECRET_KEY (32 bytes, hex or base64) to store integration secrets');
  },
  open() {
    throw new AppError('config.secret_key_missing', 'unavailable', 'set FRONTDESK_SECRET_KEY (32 bytes, hex or base64) to read integration secrets');
  },
};

/** The key from the environment, or one kept in the embedded database's directory. */
export async function loadSecretBox(options: { key?: string | undefined; dataDir?: string | undefined }): Promise<SecretBox> {
  if (options.key) return createSecretBox(parseSecretKey(options.key));
  if (!options.dataDir) return missingSecretBox;
  const { existsSync, readFileSync, writeFileSync, mkdirSync } = await import('node:fs');
  const { join } = await import('node:path');
  const path = join(options.dataDir, 'secret.key');
  if (!existsSync(path)) {
    mkdirSync(options.dataDir, { recursive: true });
    writeFileSync(path, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  }
  return createSecretBox(parseSecretKey(readFileSync(path, 'utf8').trim()));
}
