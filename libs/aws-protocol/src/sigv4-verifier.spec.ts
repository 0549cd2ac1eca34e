import { createHash } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsError } from './aws-error';
import { CredentialRecord, SignedRequest, VerifyOptions, verifySigV4 } from './sigv4-verifier';

// The AWS SigV4 test suite's credentials, date, region and service.
const SUITE_KEY = 'AKIDEXAMPLE';
const SUITE_SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const SUITE_DATE = '20150830T123600Z';
const SUITE_NOW = new Date('2015-08-30T12:36:00Z');
const SUITE_OPTS: VerifyOptions = { now: SUITE_NOW, region: 'us-east-1', allowedServices: ['service'] };

const KEY = 'AKIACAIRNUNITTEST';
const SECRET = 'cairn-unit-test-secret-0123456789abcdef';
const NOW = new Date('2025-03-04T05:06:07Z');
const OPTS: VerifyOptions = { now: NOW, region: 'xx-test-1', allowedServices: ['codecommit'] };

function lookupOf(records: Record<string, CredentialRecord<string>>) {
  return jest.fn(async (id: string) => records[id] ?? null);
}
const lookup = () => lookupOf({ [KEY]: { secretAccessKey: SECRET, principal: 'alice' } });

function suiteRequest(method: string, path: string, query: string, signature: string): SignedRequest {
  return {
    method,
    path,
    query,
    headers: {
      host: 'example.amazonaws.com',
      'x-amz-date': SUITE_DATE,
      authorization: `AWS4-HMAC-SHA256 Credential=${SUITE_KEY}/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`,
    },
    body: Buffer.alloc(0),
  };
}

interface SignInput {
  headers: Record<string, string>;
  body?: string;
  path?: string;
  query?: Record<string, string>;
  rawQuery?: string;
  signingDate?: Date;
  region?: string;
  service?: string;
  accessKeyId?: string;
  secret?: string;
  sessionToken?: string;
  applyChecksum?: boolean;
}

/** Signs like a client would; returns the request as the server receives it. */
async function signed(input: SignInput): Promise<SignedRequest> {
  const body = Buffer.from(input.body ?? '{}');
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: input.accessKeyId ?? KEY,
      secretAccessKey: input.secret ?? SECRET,
      sessionToken: input.sessionToken,
    },
    region: input.region ?? 'xx-test-1',
    service: input.service ?? 'codecommit',
    sha256: Sha256,
    applyChecksum: input.applyChecksum ?? false,
  });
  const out = await signer.sign(
    new HttpRequest({
      method: 'POST',
      hostname: '127.0.0.1',
      path: input.path ?? '/',
      query: input.query,
      headers: { host: '127.0.0.1:8080', ...input.headers },
      body,
    }),
    { signingDate: input.signingDate ?? NOW },
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(out.headers)) headers[name.toLowerCase()] = String(value);
  return { method: 'POST', path: input.path ?? '/', query: input.rawQuery ?? '', headers, body };
}

const cliHeaders = {
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': 'CodeCommit_20150413.ListRepositories',
};

async function rejection(promise: Promise<unknown>): Promise<AwsError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AwsError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('verifySigV4 against the AWS SigV4 test suite', () => {
  const suiteLookup = lookupOf({ [SUITE_KEY]: { secretAccessKey: SUITE_SECRET, principal: 'example' } });

  it.each([
    ['get-vanilla', 'GET', '', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'],
    ['get-vanilla-query-order-key-case', 'GET', 'Param2=value2&Param1=value1', 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500'],
    ['post-vanilla', 'POST', '', '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b'],
  ])('accepts %s', async (_name, method, query, signature) => {
    await expect(verifySigV4(suiteRequest(method, '/', query, signature), suiteLookup, SUITE_OPTS)).resolves.toEqual({
      accessKeyId: SUITE_KEY,
      principal: 'example',
      service: 'service',
      region: 'us-east-1',
    });
  });

  it('rejects the vector with one signature digit changed', async () => {
    const error = await rejection(
      verifySigV4(
        suiteRequest('GET', '/', '', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf32'),
        suiteLookup,
        SUITE_OPTS,
      ),
    );
    expect(error.code).toBe('InvalidSignatureException');
    expect(error.message).toMatch(/does not match the signature you provided/);
  });
});

describe('verifySigV4', () => {
  it('accepts the AWS CLI v1 header set with unsigned headers alongside', async () => {
    const req = await signed({ headers: cliHeaders });
    expect(req.headers['authorization']).toContain('SignedHeaders=content-type;host;x-amz-date;x-amz-target,');
    req.headers['user-agent'] = 'aws-cli/1.45.11';
    req.headers['content-length'] = String(req.body.length);
    req.headers['accept-encoding'] = 'identity';
    await expect(verifySigV4(req, lookup(), OPTS)).resolves.toEqual({
      accessKeyId: KEY,
      principal: 'alice',
      service: 'codecommit',
      region: 'xx-test-1',
    });
  });

  it('accepts the JS SDK header set, x-amz-content-sha256 and an always-unsignable header included', async () => {
    const body = '{"repositoryName":"demo"}';
    const req = await signed({
      body,
      applyChecksum: true,
      headers: {
        ...cliHeaders,
        'amz-sdk-invocation-id': '6c1d7a4e-1111-2222-3333-444455556666',
        'amz-sdk-request': 'attempt=1; max=3',
        'content-length': String(body.length),
        'x-amz-user-agent': 'aws-sdk-js/3.1175.0',
      },
    });
    expect(req.headers['authorization']).toContain(
      'SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target;x-amz-user-agent,',
    );
    await expect(verifySigV4(req, lookup(), OPTS)).resolves.toMatchObject({ principal: 'alice' });

    // A client may sign a header the SDK's signer would skip by default, such as user-agent.
    const manual = await signed({ headers: { ...cliHeaders, 'user-agent': 'curl/8' } });
    const auth = manual.headers['authorization']!;
    expect(auth).not.toContain('user-agent');
    const withUa = await new SignatureV4({
      credentials: { accessKeyId: KEY, secretAccessKey: SECRET },
      region: 'xx-test-1',
      service: 'codecommit',
      sha256: Sha256,
      applyChecksum: false,
    }).sign(
      new HttpRequest({
        method: 'POST',
        hostname: '127.0.0.1',
        path: '/',
        headers: { host: '127.0.0.1:8080', ...cliHeaders, 'user-agent': 'curl/8' },
        body: manual.body,
      }),
      { signingDate: NOW, signableHeaders: new Set(['user-agent']) },
    );
    const uaReq: SignedRequest = { ...manual, headers: { ...manual.headers, authorization: String(withUa.headers['authorization']) } };
    expect(uaReq.headers['authorization']).toContain('user-agent');
    await expect(verifySigV4(uaReq, lookup(), OPTS)).resolves.toMatchObject({ principal: 'alice' });
    uaReq.headers['user-agent'] = 'curl/9';
    expect((await rejection(verifySigV4(uaReq, lookup(), OPTS))).code).toBe('InvalidSignatureException');
  });

  it('verifies an encoded path and a query string as they came over the wire', async () => {
    const req = await signed({
      headers: cliHeaders,
      path: '/v1/repos/my%20repo',
      query: { b: 'x y', a: '1+1', empty: '' },
      rawQuery: 'b=x%20y&a=1%2B1&empty=',
    });
    await expect(verifySigV4(req, lookup(), OPTS)).resolves.toMatchObject({ principal: 'alice' });
    await expect(verifySigV4({ ...req, query: 'b=x%20y&a=1%2B2&empty=' }, lookup(), OPTS)).rejects.toMatchObject({
      code: 'InvalidSignatureException',
    });
  });

  it('rejects a wrong secret, a changed body and a changed signed header', async () => {
    const wrongSecret = await signed({ headers: cliHeaders, secret: 'not-the-secret' });
    expect((await rejection(verifySigV4(wrongSecret, lookup(), OPTS))).code).toBe('InvalidSignatureException');

    const req = await signed({ headers: cliHeaders, body: '{"repositoryName":"a"}' });
    const body = Buffer.from('{"repositoryName":"b"}');
    expect((await rejection(verifySigV4({ ...req, body }, lookup(), OPTS))).code).toBe('InvalidSignatureException');
    const headers = { ...req.headers, 'x-amz-target': 'CodeCommit_20150413.DeleteRepository' };
    expect((await rejection(verifySigV4({ ...req, headers }, lookup(), OPTS))).code).toBe('InvalidSignatureException');
  });

  it('rejects an x-amz-content-sha256 that is not the hash of the body', async () => {
    const req = await signed({ headers: { ...cliHeaders, 'x-amz-content-sha256': createHash('sha256').update('other').digest('hex') } });
    const error = await rejection(verifySigV4(req, lookup(), OPTS));
    expect(error.code).toBe('InvalidSignatureException');
    expect(error.message).toContain('x-amz-content-sha256');
  });

  it('answers MissingAuthenticationToken when there is no Authorization header', async () => {
    const req = await signed({ headers: cliHeaders });
    delete req.headers['authorization'];
    const error = await rejection(verifySigV4(req, lookup(), OPTS));
    expect([error.code, error.message]).toEqual(['MissingAuthenticationTokenException', 'Request is missing Authentication Token']);
  });

  it.each([
    ['a SigV2 header', 'AWS AKIAEXAMPLE:c2lnbmF0dXJl', /requires 'Credential' parameter\. .*requires 'Signature' parameter\. .*requires 'SignedHeaders' parameter/],
    ['a bare algorithm', 'AWS4-HMAC-SHA256', /requires 'Credential' parameter/],
    ['a missing Signature', `AWS4-HMAC-SHA256 Credential=${KEY}/20250304/xx-test-1/codecommit/aws4_request, SignedHeaders=host;x-amz-date`, /requires 'Signature' parameter/],
    ['a pair without "="', `AWS4-HMAC-SHA256 Credential= ${KEY}/20250304/xx-test-1/codecommit/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`, /not a valid key=value pair \(missing equal-sign\)/],
    ['a short credential', 'AWS4-HMAC-SHA256 Credential=AKIA/20250304/xx-test-1, SignedHeaders=host;x-amz-date, Signature=00', /5 slash-delimited elements/],
  ])('answers IncompleteSignature for %s', async (_name, authorization, message) => {
    const req = await signed({ headers: cliHeaders });
    req.headers['authorization'] = authorization;
    const lookupFn = lookup();
    const error = await rejection(verifySigV4(req, lookupFn, OPTS));
    expect(error.code).toBe('IncompleteSignatureException');
    expect(error.message).toMatch(message);
    expect(lookupFn).not.toHaveBeenCalled();
  });

  it('requires X-Amz-Date in the request and host and x-amz-date among the signed headers', async () => {
    const req = await signed({ headers: cliHeaders });
    const noDate = { ...req, headers: { ...req.headers } };
    delete noDate.headers['x-amz-date'];
    expect((await rejection(verifySigV4(noDate, lookup(), OPTS))).message).toMatch(/'X-Amz-Date'/);

    const noHost = { ...req, headers: { ...req.headers, authorization: req.headers['authorization']!.replace('host;', '') } };
    const error = await rejection(verifySigV4(noHost, lookup(), OPTS));
    expect([error.code, error.message]).toEqual([
      'IncompleteSignatureException',
      "'host' must be a 'SignedHeader' in the AWS Authorization.",
    ]);

    const badDate = { ...req, headers: { ...req.headers, 'x-amz-date': '2025-03-04T05:06:07Z' } };
    expect((await rejection(verifySigV4(badDate, lookup(), OPTS))).message).toMatch(/ISO-8601 'basic format'/);
  });

  it('rejects a signed header that is not in the request, inherited names included', async () => {
    const req = await signed({ headers: { ...cliHeaders, 'x-custom': 'v' } });
    delete req.headers['x-custom'];
    expect((await rejection(verifySigV4(req, lookup(), OPTS))).code).toBe('IncompleteSignatureException');

    const inherited = await signed({ headers: cliHeaders });
    inherited.headers['authorization'] = inherited.headers['authorization']!.replace('SignedHeaders=', 'SignedHeaders=constructor;');
    expect((await rejection(verifySigV4(inherited, lookup(), OPTS))).code).toBe('IncompleteSignatureException');
  });

  it('accepts a clock skew under five minutes either way', async () => {
    for (const minutes of [-4.9, 4.9]) {
      const req = await signed({ headers: cliHeaders, signingDate: new Date(NOW.getTime() + minutes * 60_000) });
      await expect(verifySigV4(req, lookup(), OPTS)).resolves.toMatchObject({ principal: 'alice' });
    }
  });

  it('rejects a request signed six minutes ago, with the AWS wording', async () => {
    const req = await signed({ headers: cliHeaders, signingDate: new Date(NOW.getTime() - 6 * 60_000) });
    const error = await rejection(verifySigV4(req, lookup(), OPTS));
    expect([error.code, error.message]).toEqual([
      'InvalidSignatureException',
      'Signature expired: 20250304T050007Z is now earlier than 20250304T050107Z (20250304T050607Z - 5 min.)',
    ]);
    expect(error.queryCode).toBe('SignatureDoesNotMatch');
  });

  it('rejects a request signed six minutes ahead', async () => {
    const req = await signed({ headers: cliHeaders, signingDate: new Date(NOW.getTime() + 6 * 60_000) });
    const error = await rejection(verifySigV4(req, lookup(), OPTS));
    expect(error.message).toBe(
      'Signature not yet current: 20250304T051207Z is still later than 20250304T051107Z (20250304T050607Z + 5 min.)',
    );
  });

  it('honours maxSkewMs', async () => {
    const req = await signed({ headers: cliHeaders, signingDate: new Date(NOW.getTime() - 6 * 60_000) });
    await expect(verifySigV4(req, lookup(), { ...OPTS, maxSkewMs: 15 * 60_000 })).resolves.toMatchObject({ principal: 'alice' });
  });

  it('rejects a credential scoped to another region, service or date', async () => {
    const otherRegion = await signed({ headers: cliHeaders, region: 'us-west-2' });
    expect((await rejection(verifySigV4(otherRegion, lookup(), OPTS))).message).toBe(
      "Credential should be scoped to a valid region, not 'us-west-2'.",
    );

    const otherService = await signed({ headers: cliHeaders, service: 'dynamodb' });
    const error = await rejection(verifySigV4(otherService, lookup(), OPTS));
    expect([error.code, error.message]).toEqual([
      'InvalidSignatureException',
      "Credential should be scoped to correct service: 'codecommit'.",
    ]);
    await expect(
      verifySigV4(await signed({ headers: cliHeaders, service: 'iam' }), lookup(), { ...OPTS, allowedServices: ['codecommit', 'iam'] }),
    ).resolves.toMatchObject({ service: 'iam' });

    const req = await signed({ headers: cliHeaders });
    req.headers['authorization'] = req.headers['authorization']!.replace('/20250304/', '/20250303/');
    expect((await rejection(verifySigV4(req, lookup(), OPTS))).message).toMatch(
      /^Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20250303' != '20250304'/,
    );
  });

  it('answers UnrecognizedClient for an unknown access key id', async () => {
    const req = await signed({ headers: cliHeaders, accessKeyId: 'AKIANOBODY' });
    const lookupFn = lookup();
    const error = await rejection(verifySigV4(req, lookupFn, OPTS));
    expect([error.code, error.queryCode]).toEqual(['UnrecognizedClientException', 'InvalidClientTokenId']);
    expect(lookupFn).toHaveBeenCalledWith('AKIANOBODY');
  });

  it('passes on an AwsError thrown by the lookup', async () => {
    const req = await signed({ headers: cliHeaders });
    const expired = new AwsError('ExpiredTokenException', 'The security token included in the request is expired');
    await expect(verifySigV4(req, async () => Promise.reject(expired), OPTS)).rejects.toBe(expired);
  });

  it('checks the session token of temporary credentials', async () => {
    const records = { [KEY]: { secretAccessKey: SECRET, principal: 'role-session', sessionToken: 'token-1' } };
    const good = await signed({ headers: cliHeaders, sessionToken: 'token-1' });
    expect(good.headers['authorization']).toContain('x-amz-security-token');
    await expect(verifySigV4(good, lookupOf(records), OPTS)).resolves.toMatchObject({ principal: 'role-session' });

    const wrong = await signed({ headers: cliHeaders, sessionToken: 'token-2' });
    expect((await rejection(verifySigV4(wrong, lookupOf(records), OPTS))).code).toBe('UnrecognizedClientException');
    const missing = await signed({ headers: cliHeaders });
    expect((await rejection(verifySigV4(missing, lookupOf(records), OPTS))).code).toBe('UnrecognizedClientException');
    // A token sent with long-term credentials is just as wrong.
    expect((await rejection(verifySigV4(good, lookup(), OPTS))).code).toBe('UnrecognizedClientException');
  });
});
