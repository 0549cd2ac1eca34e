// `npm run bench -- --profile`: preloaded into Cairn's services through NODE_OPTIONS=--require
// (--cpu-prof is refused in NODE_OPTIONS). Profiles git-protocol and git-storage with the
// inspector from SIGUSR2 on, and writes <CAIRN_BENCH_PROFILE_DIR>/<service>-<pid>.cpuprofile when they exit.
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const match = /services\/(git-protocol|git-storage)\/dist\/main\.js$/.exec(process.argv[1] || '');
const dir = process.env.CAIRN_BENCH_PROFILE_DIR;
if (match && dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  // Start on SIGUSR2 (sent by run.mjs once setup is done), so start-up is not in the profile.
  let started = false;
  process.on('SIGUSR2', () => {
    if (started) return;
    started = true;
    session.post('Profiler.start');
  });
  process.on('exit', () => {
    if (!started) return;
    // Same-thread inspector sessions answer synchronously, so this completes inside 'exit'.
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(join(dir, `${match[1]}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
