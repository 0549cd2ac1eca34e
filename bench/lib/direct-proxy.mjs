// Control for goal 1: the smallest correct Node front end — node:http straight into
// `git upload-pack --stateless-rpc` with stream.pipeline, no gRPC hop. Its throughput and CPU
// separate "Node HTTP + pipes" cost from what Cairn's gRPC hop adds.
// Usage: node direct-proxy.mjs <port> <bare-repo>   (prints "listening" when ready)
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { pipeline } from 'node:stream';

const [port, repo] = process.argv.slice(2);
const server = createServer((req, res) => {
  const env = { PATH: process.env.PATH, HOME: '/nonexistent', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LANG: 'C' };
  if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
  const child = spawn('git', ['upload-pack', '--stateless-rpc', repo], { env, detached: true, stdio: ['pipe', 'pipe', 'ignore'] });
  res.writeHead(200, { 'Content-Type': 'application/x-git-upload-pack-result' });
  const kill = () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  };
  res.once('close', () => !res.writableFinished && kill());
  pipeline(req, child.stdin, () => undefined);
  pipeline(child.stdout, res, () => undefined);
});
server.requestTimeout = 0;
server.listen(Number(port), '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => process.exit(0));
