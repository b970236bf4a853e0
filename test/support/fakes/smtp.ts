// A real SMTP server on 127.0.0.1 (smtp-server) that keeps what it is sent: the mail tests read
// the messages nodemailer delivered, headers and all. refuse(n) answers the next n with a 451.
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface Mail {
  to: string[];
  raw: string;
}

export async function fakeSmtp() {
  const mails: Mail[] = [];
  let refuseNext = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        if (refuseNext > 0) {
          refuseNext--;
          return callback(Object.assign(new Error('mailbox busy, try later'), { responseCode: 451 }));
        }
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  /** Waits for the n-th message (1-based), for sends that are not awaited by the request. */
  const nth = async (n: number, timeoutMs = 5000) => {
    const until = Date.now() + timeoutMs;
    while (mails.length < n) {
      if (Date.now() > until) throw new Error(`fake SMTP: ${mails.length} message(s), waited for ${n}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return mails[n - 1]!;
  };
  return { url: `smtp://127.0.0.1:${port}`, mails, nth, refuse: (n: number) => void (refuseNext = n), close: () => new Promise<void>((r) => server.close(() => r())) };
}

export type FakeSmtp = Awaited<ReturnType<typeof fakeSmtp>>;
