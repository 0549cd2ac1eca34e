import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface WebhookResult {
  ok: boolean;
  statusCode: number;
  error: string;
}

const TIMEOUT_MS = 10_000;

/** `sha256=<hex>` of the body under the platform's webhook secret, as receivers check it. */
export function webhookSignature(secret: Buffer, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * POSTs a trigger message. The body is signed (`X-Cairn-Signature-256`), the delivery named
 * (`X-Cairn-Delivery`) so a receiver can drop a retry it already handled; a 2xx answer is success,
 * anything else (or no answer in 10 s) is a failure to retry.
 */
export function sendWebhook(url: string, body: string, secret: Buffer, deliveryId: string): Promise<WebhookResult> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return resolve({ ok: false, statusCode: 0, error: 'invalid URL' });
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: 'POST',
        timeout: TIMEOUT_MS,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Cairn-Trigger/1.0',
          'x-cairn-event': 'ReferenceChange',
          'x-cairn-delivery': deliveryId,
          'x-cairn-signature-256': webhookSignature(secret, body),
        },
      },
      (res) => {
        res.resume();
        const statusCode = res.statusCode ?? 0;
        res.once('end', () => resolve({ ok: statusCode >= 200 && statusCode < 300, statusCode, error: statusCode >= 300 ? `HTTP ${statusCode}` : '' }));
        res.once('error', (e) => resolve({ ok: false, statusCode, error: e.message }));
      },
    );
    req.once('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
    req.once('error', (e) => resolve({ ok: false, statusCode: 0, error: e.message }));
    req.end(body);
  });
}
