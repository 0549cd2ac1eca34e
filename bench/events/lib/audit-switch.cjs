// Goal 2's audit on/off switch, preloaded into Cairn's processes through NODE_OPTIONS=--require
// (as bench/lib/profile-preload.cjs is). It acts in git-protocol only, and only when
// CAIRN_BENCH_AUDIT_SWITCH names a file: while that file reads "off", GitAudit.record returns at
// once, exactly as it does in the product when CAIRN_EVENT_LOG_URL is empty (no publisher: nothing
// recorded); while it reads anything else, the product's record() runs unchanged.
//
// Why a switch and not a setting: the all-in-one supervisor always hands git-protocol the event log
// URL, so the stack has no audit-off configuration. Flipping a file lets one stack alternate
// pushes with audit on and off, so both modes share the same processes, caches and data.
const { readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const main = process.argv[1] || '';
const file = process.env.CAIRN_BENCH_AUDIT_SWITCH;
if (file && /services\/git-protocol\/dist\/main\.js$/.test(main)) {
  const target = join(dirname(main), 'audit', 'git-audit.js');
  let attempts = 0;
  // main.js loads every module synchronously; patch the class once it is in the module cache
  // (requiring it from here, before main.js, would run its decorators before reflect-metadata).
  const patch = () => {
    const loaded = require.cache[target];
    if (!loaded || !loaded.exports.GitAudit) {
      if (++attempts < 200) setTimeout(patch, 10);
      else process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'bench audit switch: GitAudit never loaded', target })}\n`);
      return;
    }
    const proto = loaded.exports.GitAudit.prototype;
    const record = proto.record;
    let recorded = 0;
    let skipped = 0;
    proto.record = function benchSwitchedRecord(call) {
      let mode = 'on';
      try {
        mode = readFileSync(file, 'utf8').trim();
      } catch {
        /* no file: on */
      }
      const off = mode === 'off';
      if (off) skipped++;
      else recorded++;
      // One line per audited git request, after the response (record() runs once it has ended).
      process.stderr.write(`${JSON.stringify({ level: 'info', msg: 'bench audit switch', mode: off ? 'off' : 'on', eventName: call.eventName, repositoryName: call.repositoryName, recorded, skipped })}\n`);
      return off ? Promise.resolve() : record.call(this, call);
    };
    process.stderr.write(`${JSON.stringify({ level: 'info', msg: 'bench audit switch installed', file })}\n`);
  };
  setImmediate(patch);
}
