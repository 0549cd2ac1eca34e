// A node:http server made only of this library's pieces (verifySigV4, the awsJson and awsQuery
// codecs), with handlers each test sets. Real AWS clients are pointed at it.
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  AwsError,
  AwsHttpResponse,
  CredentialRecord,
  SignedRequest,
  awsJsonErrorResponse,
  awsJsonResponse,
  awsQueryErrorResponse,
  awsQueryResponse,
  newRequestId,
  parseAwsJsonRequest,
  parseAwsQueryRequest,
  signedRequestFromNode,
  verifySigV4,
} from '@cairn/aws-protocol';

export const REGION = 'xx-cairn-1';
export const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
export const ALICE = { accessKeyId: 'AKIACAIRNALICE000001', secretAccessKey: 'alice/secret+key0123456789abcdefghijklmn' };
export const ROLE = {
  accessKeyId: 'ASIACAIRNROLE0000001',
  secretAccessKey: 'role-session-secret-0123456789abcdefghijk',
  sessionToken: 'FwoGZXIvYXdzEXAMPLEsessiontoken',
};
const CREDENTIALS: Record<string, CredentialRecord<string>> = {
  [ALICE.accessKeyId]: { secretAccessKey: ALICE.secretAccessKey, principal: 'user/alice' },
  [ROLE.accessKeyId]: { secretAccessKey: ROLE.secretAccessKey, principal: 'assumed-role/ci', sessionToken: ROLE.sessionToken },
};

export type Handler = (operation: string, input: Record<string, unknown>, principal: string) => Promise<unknown>;

export interface Seen {
  requestId: string;
  /** 'ok', or `<code>: <message>` of what was answered instead. */
  outcome: string;
  signedHeaders?: string;
  credentialScope?: string;
  input?: Record<string, unknown>;
  principal?: string;
}

export class FakeAws {
  readonly seen: Seen[] = [];
  jsonHandler: Handler = async () => ({});
  queryHandler: Handler = async () => undefined;
  endpoint = '';
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void this.handle(signedRequestFromNode(req, Buffer.concat(chunks))).then((out) => {
        res.writeHead(out.status, out.headers);
        res.end(out.body);
      });
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: SignedRequest): Promise<AwsHttpResponse> {
    const requestId = newRequestId();
    const isJson = req.headers['x-amz-target'] !== undefined;
    const authorization = req.headers['authorization'] ?? '';
    const seen: Seen = {
      requestId,
      outcome: 'ok',
      signedHeaders: /SignedHeaders=([^,\s]+)/.exec(authorization)?.[1],
      credentialScope: /Credential=[^/]+\/([^,\s]+)/.exec(authorization)?.[1],
    };
    this.seen.push(seen);
    try {
      const caller = await verifySigV4(req, async (id) => CREDENTIALS[id] ?? null, {
        region: REGION,
        allowedServices: ['codecommit', 'iam'],
      });
      seen.principal = caller.principal;
      if (isJson) {
        const { operation, input } = parseAwsJsonRequest(req, 'CodeCommit_20150413');
        seen.input = input;
        return awsJsonResponse(await this.jsonHandler(operation, input, caller.principal), requestId);
      }
      const { action, input } = parseAwsQueryRequest(req);
      seen.input = input;
      return awsQueryResponse(action, await this.queryHandler(action, input, caller.principal), requestId, IAM_NS);
    } catch (err) {
      seen.outcome = err instanceof AwsError ? `${err.code}: ${err.message}` : String(err);
      return isJson ? awsJsonErrorResponse(err, requestId) : awsQueryErrorResponse(err, requestId, IAM_NS);
    }
  }
}
