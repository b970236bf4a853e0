import nodemailer from 'nodemailer';

/**
 * E-mail out, through nodemailer over SMTP (SMTP_URL: smtp://user:pass@host:587, or smtps:// for
 * TLS from the start). The one way the server sends mail; without SMTP_URL there is none.
 */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<{ messageId: string }>;
  close(): void;
}

export function createMailer(o: { url: string; from: string; timeoutMs?: number }): Mailer {
  const timeout = o.timeoutMs ?? 20_000;
  const transport = nodemailer.createTransport(o.url, { from: o.from });
  // Connection and greeting limits, so a dead server fails the attempt instead of hanging it.
  Object.assign(transport.options, { connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout });
  return {
    async send(m) {
      const info = await transport.sendMail({ from: o.from, to: m.to, subject: m.subject, text: m.text });
      return { messageId: String(info.messageId) };
    },
    close: () => transport.close(),
  };
}
