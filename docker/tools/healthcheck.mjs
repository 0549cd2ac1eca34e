// healthcheck: exit 0 when this container's service answers GET /healthz on its metrics port.
import { request } from 'node:http';

const port = Number(process.env.CAIRN_METRICS_PORT || 9464);
const req = request({ host: '127.0.0.1', port, path: '/healthz', timeout: 4000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', () => process.exit(1));
req.end();
