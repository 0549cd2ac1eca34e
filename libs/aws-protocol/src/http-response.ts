import { randomUUID } from 'node:crypto';

/** What a codec hands back to whichever HTTP server is in front of it. */
export interface AwsHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** AWS request ids are UUIDs; clients surface them as `$metadata.requestId`. */
export function newRequestId(): string {
  return randomUUID();
}

export function httpResponse(status: number, contentType: string, requestId: string, body: string): AwsHttpResponse {
  const bytes = Buffer.from(body, 'utf8');
  return {
    status,
    headers: {
      'content-type': contentType,
      'content-length': String(bytes.length),
      'x-amzn-requestid': requestId,
    },
    body: bytes,
  };
}
