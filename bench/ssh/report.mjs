// RESULTS.md for the SSH benchmark. Verdicts use this run's unrounded figures.
export const GOAL_RATIO = 1.2;
export const CONCURRENT = 64;

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
const ms = (v) => (isNum(v) ? (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`) : 'n/a');
const x = (r) => (isNum(r) ? `${r.toFixed(2)}×` : 'n/a');
const mb = (b) => (isNum(b) ? `${(b / 1e6).toFixed(1)} MB` : 'n/a');
const mib = (b) => (isNum(b) ? `${(b / 1048576).toFixed(1)} MiB` : 'n/a');
const s1 = (v) => (isNum(v) ? `${v.toFixed(1)} s` : 'n/a');
const cpu = (v) => (isNum(v) ? `${(v / 1000).toFixed(2)} s` : 'n/a');
const n0 = (v) => (isNum(v) ? Math.round(v).toLocaleString('en') : 'n/a');
const ok = (g) => g && !g.error;
const failed = (g) => (g?.error ? `failed: ${g.error.split('\n')[0]}` : 'not run (an earlier step failed or the time budget ran out)');
const verdict = (met) => (met ? '**met**' : '**not met**');

export function renderReport({ results: r, machine: m, scale, quick }) {
  const L = [];
  const { setup, g1, g2, lsRemote } = r;
  L.push('# Cairn git-over-SSH benchmarks — results', '');
  L.push(
    `Written by \`node bench/ssh/run.mjs${quick ? ' --quick' : ''}\` on ${m.date}. **Scale measured: ${scale.name}**${
      quick ? ' — scaled down (a smaller repository, fewer samples); run without `--quick` for the full scale' : ''
    }.`,
  );
  L.push('Every ratio compares figures measured in this same run, on this machine, with the same stock clients (git, OpenSSH).', '');
  if (r.timeout) L.push(`**${r.timeout}.**`, '');
  if (r.fatal) L.push(`**The run stopped early: ${r.fatal.split('\n')[0]}**`, '');

  // ------------------------------------------------------------------ machine
  L.push('## Machine', '', '| | |', '|---|---|');
  L.push(`| date | ${m.date} |`);
  L.push(`| code measured | ${m.code} |`);
  L.push(`| CPU | ${m.cpu} |`);
  L.push(`| memory | ${m.memory} |`);
  L.push(`| kernel | ${m.kernel} |`);
  L.push(`| Node | ${m.node} |`);
  L.push(`| git | ${m.git} |`);
  L.push(`| OpenSSH client | ${m.openssh} |`);
  L.push(`| ssh2 (Cairn's SSH server library) | ${m.ssh2} |`);
  const neg = r.negotiated;
  if (neg && !neg.error) L.push(`| negotiated | key exchange ${neg.kex}, host key ${neg.hostKey}, cipher ${neg.cipher} (MAC ${neg.mac}) |`);
  if (m.limits) L.push(`| SSH limits in force (defaults) | ${m.limits.maxSessionsPerUser} sessions per user, ${m.limits.maxConnectionsPerAddress} connections per address, ${m.limits.maxAuthTries} auth tries, login grace ${m.limits.loginGraceSeconds} s, idle ${m.limits.idleTimeoutSeconds} s, session ${m.limits.sessionTimeoutSeconds} s |`);
  L.push(`| other Cairn stacks running at start | ${m.otherStacks} |`);
  L.push(`| load average (1/5/15 min) | start ${m.loadStart}; end ${m.loadEnd}; per step: ${(m.loads ?? []).map((l) => `${l.phase} ${l.load.split(' ')[0]}`).join(', ')} |`);
  L.push(`| run time | ${isNum(m.totalSeconds) ? (m.totalSeconds / 60).toFixed(1) : 'n/a'} min |`, '');

  // ------------------------------------------------------------------ summary
  L.push('## Summary', '', '| # | goal | target | measured | baseline(s), same run | verdict |', '|---|---|---|---|---|---|');
  if (ok(g1)) {
    const { stats, ratios } = g1;
    const gap = ratios.sshVsHttp <= GOAL_RATIO ? ` — ${ms(GOAL_RATIO * stats.http.p50 - stats.ssh.p50)} of margin` : ` — ${ms(stats.ssh.p50 - GOAL_RATIO * stats.http.p50)} over ${GOAL_RATIO} × HTTP`;
    L.push(
      `| 1 | \`git clone --bare\` of a ${mb(setup.large.packBytes)} repository (${n0(setup.large.files)} files, ${n0(setup.large.commits)} commits), SSH p50 ÷ HTTP p50 | ≤ ${GOAL_RATIO}× | SSH p50 ${ms(stats.ssh.p50)}, p90 ${ms(stats.ssh.p90)}: **${x(ratios.sshVsHttp)}** HTTP (p90 ${x(ratios.sshVsHttpP90)}), ${x(ratios.sshVsFile)} file:// | HTTP p50 ${ms(stats.http.p50)}, p90 ${ms(stats.http.p90)}; file:// p50 ${ms(stats.file.p50)}, p90 ${ms(stats.file.p90)} (HTTP ÷ file:// ${x(ratios.httpVsFile)}) | ${verdict(g1.met)}${gap}${g1.failures.length ? ` (${g1.failures.length} failed clones)` : ''} |`,
    );
  } else L.push(`| 1 | clone over SSH vs HTTP | ≤ ${GOAL_RATIO}× | ${failed(g1)} | | not measured |`);
  if (ok(g2)) {
    const c = g2.ssh;
    L.push(
      `| 2 | ${CONCURRENT} concurrent SSH clones of a ${mb(setup.small.packBytes)} repository (${n0(setup.small.files)} files), default limits, from ${g2.users} users and ${g2.addresses.length} source addresses | all complete, no error | ${c.completed}/${c.n} completed, ${c.errors} errors, in ${s1(c.wallMs / 1000)} (per clone p50 ${ms(c.perClone.p50)}, p90 ${ms(c.perClone.p90)}, max ${ms(c.perClone.max)}); ${c.gitProcessesLeft} git processes left | the same ${CONCURRENT} over HTTP: ${g2.http.completed}/${g2.http.n} in ${s1(g2.http.wallMs / 1000)}, ${g2.http.errors} errors | ${verdict(g2.met)} |`,
    );
  } else L.push(`| 2 | ${CONCURRENT} concurrent SSH clones | all complete | ${failed(g2)} | | not measured |`);
  L.push('');

  // ------------------------------------------------------------------ verdicts
  L.push('## Verdicts', '');
  if (ok(g1)) {
    const { stats, ratios, cpu: c } = g1;
    L.push(
      `- **Goal 1 (clone over SSH within ${GOAL_RATIO}× of HTTP): ${g1.met ? 'met' : 'not met'}.** SSH p50 ${ms(stats.ssh.p50)} against HTTP ${ms(stats.http.p50)}: ${x(ratios.sshVsHttp)}${
        g1.met ? '' : `, ${ms(stats.ssh.p50 - GOAL_RATIO * stats.http.p50)} over the ${GOAL_RATIO}× line (${ms(GOAL_RATIO * stats.http.p50)})`
      }. Against the floor, \`git clone file://\` of the same storage repository (${ms(stats.file.p50)}), SSH is ${x(ratios.sshVsFile)} and HTTP ${x(ratios.httpVsFile)}. ${cause(g1)}`,
    );
    void c;
  } else L.push(`- **Goal 1: not measured** (${failed(g1)}).`);
  if (ok(g2)) {
    const c = g2.ssh;
    L.push(
      `- **Goal 2 (${CONCURRENT} concurrent SSH clones complete without error): ${g2.met ? 'met' : 'not met'}.** ${c.completed} of ${c.n} completed${c.errors ? `, ${c.errors} failed (${c.errorMessages.map((e) => `${e.count} × \`${e.message}\``).join('; ')})` : ' without error'}, all ${CONCURRENT} in ${s1(c.wallMs / 1000)} (HTTP: ${s1(g2.http.wallMs / 1000)}, ${x(c.wallMs / g2.http.wallMs)}); ${c.gitProcessesLeft} git processes left for the repository afterwards. The clones came from ${g2.users} IAM users and ${g2.addresses.length} loopback source addresses (${g2.addresses.join(', ')}), ${CONCURRENT / g2.users} sessions per user and ${CONCURRENT / g2.addresses.length} connections per address, under the default limits (${m.limits?.maxSessionsPerUser ?? 'n/a'} per user, ${m.limits?.maxConnectionsPerAddress ?? 'n/a'} per address).`,
    );
    const o = g2.oneKey;
    L.push(
      `- **The limits at work (no goal):** the same ${CONCURRENT} clones at once from **one** key and **one** address: ${o.completed} completed, ${o.errors} refused${o.errorMessages.length ? ` — ${o.errorMessages.map((e) => `${e.count} × \`${e.message}\``).join('; ')}` : ''}.${
        o.refusals
          ? ` Cairn's log counts ${o.refusals.sessionsPerUser} sessions refused for the user, ${o.refusals.addressTold} connections refused with the banner and ${o.refusals.addressUnanswered} closed unanswered (which happens when 10 refusals are already in flight for the address: by design, a flood is not answered with a key exchange per connection).`
          : ''
      } That is the per-user (${m.limits?.maxSessionsPerUser ?? 'n/a'} git sessions) and per-address (${m.limits?.maxConnectionsPerAddress ?? 'n/a'} connections) limits refusing with their messages; a single CI identity that needs ${CONCURRENT} parallel clones raises CAIRN_SSH_MAX_SESSIONS_PER_USER and CAIRN_SSH_MAX_CONNECTIONS_PER_ADDRESS (docs/decisions/0013-git-over-ssh.md).`,
    );
  } else L.push(`- **Goal 2: not measured** (${failed(g2)}).`);
  L.push('');

  // ------------------------------------------------------------------ details
  L.push('## Goal 1 — clone times', '');
  if (ok(g1)) {
    L.push(`${scale.cloneSamples} interleaved rounds (order rotating) after one warm-up clone per method; each clone into a fresh directory, checked (main at the expected commit) and removed.`, '');
    L.push('| method | p50 | p90 | min | max | samples (s) | git-protocol CPU per clone (p50) | git-storage CPU per clone (p50) | client CPU per clone (p50: git, ssh, index-pack) |', '|---|---|---|---|---|---|---|---|---|');
    const label = { ssh: `SSH (\`ssh://<key-id>@127.0.0.1:port/v1/repos/large\`, OpenSSH client)`, http: 'HTTP (Cairn smart HTTP, basic auth)', file: '`file://` of Cairn\'s storage repository (git alone, the floor)' };
    for (const k of ['ssh', 'http', 'file']) {
      const st = g1.stats[k];
      L.push(
        `| ${label[k]} | ${ms(st.p50)} | ${ms(st.p90)} | ${ms(st.min)} | ${ms(st.max)} | ${g1.samples[k].map((v) => (v / 1000).toFixed(2)).join(', ')} | ${k === 'file' ? '—' : cpu(g1.cpu[k]['git-protocol'])} | ${k === 'file' ? '—' : cpu(g1.cpu[k]['git-storage'])} | ${cpu(g1.cpu[k].client)} |`,
      );
    }
    L.push('');
    L.push('CPU columns: utime+stime from /proc of each service process over the clone, net of its idle background (its git children are included once reaped: git-storage\'s `upload-pack` and `pack-objects`); the client column is this process\'s reaped children (the git client and everything it ran).', '');
    if (g1.failures.length) L.push(`Failed clones: ${g1.failures.map((f) => `${f.method}: \`${f.error}\``).join('; ')}`, '');
  } else L.push(failed(g1), '');
  if (ok(lsRemote)) {
    L.push('## Context — the fixed cost of one conversation (`git ls-remote`)', '');
    L.push(`${lsRemote.ssh.n} samples each, alternating. Over SSH every command is a new TCP connection, key exchange (curve25519), host key signature and public-key authentication (a policy lookup) before git speaks; over HTTP two requests with basic auth.`, '');
    L.push('| method | p50 | p90 | max |', '|---|---|---|---|');
    L.push(`| SSH | ${ms(lsRemote.ssh.p50)} | ${ms(lsRemote.ssh.p90)} | ${ms(lsRemote.ssh.max)} |`);
    L.push(`| HTTP | ${ms(lsRemote.http.p50)} | ${ms(lsRemote.http.p90)} | ${ms(lsRemote.http.max)} |`);
    L.push('', `SSH ÷ HTTP p50: ${x(lsRemote.ratio)}.${lsRemote.errors.length ? ` Errors: ${lsRemote.errors.length} (${lsRemote.errors[0].method}: \`${lsRemote.errors[0].error}\`).` : ''}`, '');
  }

  L.push(`## Goal 2 — ${CONCURRENT} concurrent clones`, '');
  if (ok(g2)) {
    L.push('All started at once; each checked (main at the expected commit). RSS sampled every 50 ms; CPU net of idle background.', '');
    L.push('| run | completed | errors | wall time, all | per clone p50 / p90 / max | git-protocol CPU | git-storage CPU (incl. git) | git-protocol RSS start → max | git-storage RSS start → max | git left after |', '|---|---|---|---|---|---|---|---|---|---|');
    const row = (label, v) =>
      L.push(
        `| ${label} | ${v.completed}/${v.n} | ${v.errors} | ${s1(v.wallMs / 1000)} | ${ms(v.perClone.p50)} / ${ms(v.perClone.p90)} / ${ms(v.perClone.max)} | ${s1(v.cpuSeconds['git-protocol'])} | ${s1(v.cpuSeconds['git-storage'])} | ${mib(v.memory['git-protocol'].startRss)} → ${mib(v.memory['git-protocol'].maxRss)} | ${mib(v.memory['git-storage'].startRss)} → ${mib(v.memory['git-storage'].maxRss)} | ${v.gitProcessesLeft} |`,
      );
    row(`SSH, ${g2.users} users × ${g2.addresses.length} addresses (goal)`, g2.ssh);
    row('HTTP, same clients', g2.http);
    row('SSH, one key and one address (limits at work)', g2.oneKey);
    L.push('');
    for (const [label, v] of [['SSH (goal)', g2.ssh], ['HTTP', g2.http], ['one key, one address', g2.oneKey]]) {
      if (v.errorMessages.length) L.push(`${label} — errors by message: ${v.errorMessages.map((e) => `${e.count} × \`${e.message}\``).join('; ')}`, '');
    }
  } else L.push(failed(g2), '');

  // ------------------------------------------------------------------ method
  L.push('## Method', '');
  L.push('- `node bench/ssh/run.mjs` builds (`npx tsc -b tsconfig.build.json`), starts the real all-in-one stack from built code (services/supervisor/dist/main.js, as e2e/support/stack.ts does) in a temp data dir on free loopback ports, with every `CAIRN_SSH_*` variable removed so the SSH limits are the defaults.');
  if (ok(setup)) {
    const lg = setup.large;
    const sm = setup.small;
    L.push(`- Repositories generated with \`git fast-import\` (bench/codecommit-api/lib/bigrepo.mjs: made-up source files of 20–60 lines, each later commit editing 3 files and every 10th adding one), pushed into Cairn over HTTP by a stock git client, then \`git repack -adb\` in Cairn's storage repository (Cairn has no housekeeping yet; bitmaps make serving fast, so the transports' own costs show). Large: ${n0(lg.files)} files, ${n0(lg.commits)} commits, ${n0(lg.objects)} objects, ${mb(lg.packBytes)} (generated in ${s1(lg.generateMs / 1000)}, pushed in ${s1(lg.pushMs / 1000)}). Small: ${n0(sm.files)} files, ${n0(sm.commits)} commits, ${mb(sm.packBytes)}.`);
  }
  L.push('- SSH clients: OpenSSH `ssh` run by git through GIT_SSH_COMMAND with `-i <ed25519 key> -o IdentitiesOnly=yes -o BatchMode=yes -F /dev/null` and a known_hosts of the bench\'s own; keys uploaded with IAM UploadSSHPublicKey (the admin for goal 1; users `ci-team-N` with AWSCodeCommitPowerUser for goal 2). Source addresses other than 127.0.0.1 come from `ssh -b 127.0.0.N` (all of 127/8 is loopback on Linux).');
  L.push('- HTTP: the same git client against Cairn\'s smart-HTTP endpoint with the admin\'s HTTPS Git credentials in the URL. file://: `git clone --bare file://<storage repository>`, git on both ends and no network: the floor.');
  L.push('- Client-side git runs with no user or system configuration (GIT_CONFIG_GLOBAL=/dev/null, GIT_CONFIG_NOSYSTEM=1). Everything is warm-cache. Every child process has a time limit and the whole run a budget (' + scale.budgetMinutes + ' min), after which it writes what it measured.');
  L.push('');
  return L.join('\n');
}

/** Where the SSH clone's extra time goes, said with this run's figures. */
function cause(g1) {
  const { stats, cpu: c } = g1;
  const extra = stats.ssh.p50 - stats.http.p50;
  const proto = c.ssh['git-protocol'] - c.http['git-protocol'];
  const client = c.ssh.client - c.http.client;
  const storage = c.ssh['git-storage'] - c.http['git-storage'];
  const parts = [
    `Per clone (p50s), SSH takes ${ms(Math.abs(extra))} ${extra >= 0 ? 'more' : 'less'} than HTTP;`,
    `git-protocol spends ${cpu(c.ssh['git-protocol'])} of CPU on it over SSH against ${cpu(c.http['git-protocol'])} over HTTP (${proto >= 0 ? '+' : '−'}${cpu(Math.abs(proto))}: ssh2's encryption and MAC of every byte, in place of HTTP framing),`,
    `the client ${cpu(c.ssh.client)} against ${cpu(c.http.client)} (${client >= 0 ? '+' : '−'}${cpu(Math.abs(client))}: OpenSSH decrypting, in place of git-remote-http),`,
    `git-storage ${cpu(c.ssh['git-storage'])} against ${cpu(c.http['git-storage'])} (${storage >= 0 ? '+' : '−'}${cpu(Math.abs(storage))}; the same git work either way, full-duplex without --stateless-rpc over SSH).`,
  ];
  return parts.join(' ') + ' On 2 cores the client, git-protocol, git-storage and git itself share the CPU, so extra CPU on any of them is extra wall time.';
}
