import { defineConnector } from '../sdk/index.ts';
import { sendEmail } from './actions/send-email.ts';
import { createTransport, toConnectorError } from './client.ts';
import { emailConfig, emailSecrets } from './schemas.ts';

/** Email over SMTP (nodemailer). */
export default defineConnector({
  key: 'email',
  displayName: 'Email (SMTP)',
  version: '1.0.0',
  description: 'Send email through an SMTP server',
  config: emailConfig,
  secrets: emailSecrets,
  actions: { send_email: sendEmail },
  async test(ctx) {
    const transport = await createTransport(ctx.config, ctx.secrets, ctx.http);
    try {
      await transport.verify();
      return { ok: true, message: `SMTP server ${ctx.config.host}:${ctx.config.port} accepted the connection${ctx.secrets.username ? ' and credentials' : ''}` };
    } catch (err) {
      return { ok: false, message: toConnectorError(err).message };
    } finally {
      transport.close();
    }
  },
});
