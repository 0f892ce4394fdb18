/** `email()`: alerts by SMTP (nodemailer). */
import { rule, type AlertChannel, type AlertRule, type RuleOptions } from './alert-channel.ts';
import { renderTemplate } from './render-alert.ts';

/** Options of `email()`. */
export interface EmailOptions extends RuleOptions {
  readonly to: string | readonly string[];
  /** A template: {{pipeline}}, {{status}}, {{Status}} (Success, Failure, Skipped), {{event}}, {{date}}, {{runId}}. */
  readonly subject?: string;
}

/**
 * Email alerts through the SMTP server of `SLUICE_SMTP_URL` (or `alerts.smtpUrl` in sluice.config.ts).
 * @example
 * alerts: email({ to: 'data@example.com', subject: 'Stocks_Team_Pipeline_{{Status}}', on: ['success', 'failure'] })
 */
export function email(options: EmailOptions): AlertRule {
  const to = Array.isArray(options.to) ? [...options.to] : [options.to as string];
  if (!to.length || to.some((a) => !/^[^@\s]+@[^@\s]+$/.test(a))) throw new Error(`email(): "to" must be email addresses, got ${JSON.stringify(options.to)}`);
  const subject = options.subject ?? 'sluice: {{pipeline}} {{status}}';
  const channel: AlertChannel = {
    kind: 'email',
    describe: () => `email ${to.join(', ')}`,
    async send(message, settings) {
      if (!settings.smtpUrl) throw new Error('no SMTP server: set SLUICE_SMTP_URL (smtp://user:password@host:port) or alerts.smtpUrl');
      // Loaded when a mail is sent: nodemailer adds ~20 MB to every process that imports it.
      const { default: nodemailer } = await import('nodemailer');
      const transport = nodemailer.createTransport(settings.smtpUrl);
      try {
        await transport.sendMail({ from: settings.from, to, subject: renderTemplate(subject, message.subjectValues), text: message.text });
      } finally {
        transport.close();
      }
    },
  };
  return rule(channel, options);
}
