// Raw HTTP clients for replaying recorded git requests (fast, slow, and cut-off).
import { request, Agent } from 'node:http';
import { now } from './util.mjs';

/**
 * Sends `body` and drains the response as fast as possible. Resolves with status, bytes,
 * time to first body byte and total time; `tail` holds the last bytes (to check for the final flush).
 */
export function replay({ port, path, method = 'POST', headers = {}, body, agent = false, timeoutMs = 600_000 }) {
  return new Promise((resolve, reject) => {
    const started = now();
    let ttfb = NaN;
    let bytes = 0;
    let tail = Buffer.alloc(0);
    const req = request({ host: '127.0.0.1', port, path, method, headers: body ? { ...headers, 'Content-Length': body.length } : headers, agent }, (res) => {
      res.on('data', (chunk) => {
        if (bytes === 0) ttfb = now() - started;
        bytes += chunk.length;
        tail = chunk.length >= 16 ? chunk.subarray(chunk.length - 16) : Buffer.concat([tail, chunk]).subarray(-16);
      });
      res.once('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode, bytes, ttfbMs: ttfb, ms: now() - started, tail: tail.toString('latin1') });
      });
      res.once('error', reject);
    });
    const timer = setTimeout(() => req.destroy(new Error(`request timed out after ${timeoutMs} ms`)), timeoutMs);
    req.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end(body);
  });
}

export const keepAliveAgent = (maxSockets) => new Agent({ keepAlive: true, maxSockets });

/**
 * Reads a response at about `bytesPerSecond` for `durationMs`, then hangs up. Reports bytes per
 * interval so the caller can check that the server keeps serving (progress, no error).
 */
export function slowRead({ port, path, headers, body, bytesPerSecond, durationMs, tickMs = 100 }) {
  return new Promise((resolve) => {
    const started = now();
    const result = { status: 0, bytes: 0, error: null, ended: false, perWindow: [] };
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { ...headers, 'Content-Length': body.length }, agent: false }, (res) => {
      result.status = res.statusCode;
      res.pause();
      const perTick = Math.max(1, Math.round((bytesPerSecond * tickMs) / 1000));
      let windowStart = now();
      let windowBytes = 0;
      const timer = setInterval(() => {
        let want = perTick;
        while (want > 0) {
          const chunk = res.read(Math.min(want, res.readableLength || want));
          if (!chunk) break;
          want -= chunk.length;
          result.bytes += chunk.length;
          windowBytes += chunk.length;
        }
        if (now() - windowStart >= 5000) {
          result.perWindow.push(windowBytes);
          windowBytes = 0;
          windowStart = now();
        }
        if (now() - started >= durationMs) finish();
      }, tickMs);
      res.once('end', () => {
        result.ended = true;
        finish();
      });
      res.once('error', (e) => {
        // Our own hang-up at the end of the window is not a server error.
        if (!finished) result.error = e.message;
        finish();
      });
      let finished = false;
      function finish() {
        if (finished) return;
        finished = true;
        clearInterval(timer);
        result.ms = now() - started;
        req.destroy();
        resolve(result);
      }
    });
    req.once('error', (e) => {
      if (result.ms === undefined) {
        result.error = e.message;
        resolve(result);
      }
    });
    req.end(body);
  });
}

/** POSTs a fetch request and hangs up after `cutAfter` response bytes. */
export function abortedFetch({ port, path, headers, body, cutAfter, deadlineMs = 30_000 }) {
  return new Promise((resolve) => {
    let bytes = 0;
    const deadline = setTimeout(() => {
      req.destroy();
      resolve({ status: 0, bytes, cut: true, stalled: true });
    }, deadlineMs);
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { ...headers, 'Content-Length': body.length }, agent: false }, (res) => {
      res.on('data', (chunk) => {
        bytes += chunk.length;
        if (bytes >= cutAfter) {
          clearTimeout(deadline);
          req.destroy();
          resolve({ status: res.statusCode, bytes, cut: true });
        }
      });
      res.once('end', () => {
        clearTimeout(deadline);
        resolve({ status: res.statusCode, bytes, cut: false });
      });
    });
    req.once('error', () => {
      clearTimeout(deadline);
      resolve({ status: 0, bytes, cut: true });
    });
    req.end(body);
  });
}

/**
 * Starts a push (receive-pack request: command list then pack bytes, chunked) and hangs up
 * after `cutAfter` bytes of the pack were sent — or after `deadlineMs` if the server stops
 * reading before that (`stalled` then says how far the upload got).
 */
export function abortedPush({ port, path, headers, head, pack, cutAfter, deadlineMs = 5000 }) {
  return new Promise((resolve) => {
    let settled = false;
    let sent = 0;
    const done = (r) => {
      if (!settled) {
        settled = true;
        clearTimeout(deadline);
        resolve({ sent, ...r });
      }
    };
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers, agent: false }, (res) => {
      res.resume();
      res.once('end', () => done({ status: res.statusCode, cut: false }));
    });
    const deadline = setTimeout(() => {
      req.destroy();
      done({ status: 0, cut: true, stalled: true });
    }, deadlineMs);
    req.once('error', () => done({ status: 0, cut: true }));
    req.write(head);
    const step = 64 * 1024;
    const pump = () => {
      while (sent < cutAfter) {
        const end = Math.min(cutAfter, sent + step, pack.length);
        const ok = req.write(pack.subarray(sent, end));
        sent = end;
        if (end >= pack.length) break;
        if (!ok) return req.once('drain', pump);
      }
      // Let the bytes reach git, then vanish mid-stream.
      setTimeout(() => {
        req.destroy();
        done({ status: 0, cut: true });
      }, 20 + Math.random() * 80);
    };
    pump();
  });
}
