import type { IncomingMessage } from 'node:http';
import type { SignedRequest } from './sigv4-verifier';

/**
 * The SignedRequest of a node:http request whose body has been read. Repeated headers are joined
 * with ',' as SigV4 canonicalizes them (node itself would join most of them with ', ').
 */
export function signedRequestFromNode(req: IncomingMessage, body: Buffer): SignedRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values !== undefined) headers[name] = values.join(',');
  }
  return {
    method: req.method ?? 'GET',
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? '' : url.slice(q + 1),
    headers,
    body,
  };
}
