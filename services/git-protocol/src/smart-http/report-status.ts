import { encodePktLine, encodeSideband, FLUSH_PKT } from '@cairn/git';

/**
 * A receive-pack report for a push that Cairn refused before it reached storage: every ref gets
 * an `ng` line so the client prints why. Framed in side-band-64k when the client asked for it.
 */
export function refusedPushReport(refs: string[], denied: Set<string>, capabilities: string[]): Buffer {
  const lines = [encodePktLine('unpack ok\n')];
  for (const ref of refs) {
    const reason = denied.has(ref) ? 'permission denied by policy' : 'not updated: another ref in this push was refused';
    lines.push(encodePktLine(`ng ${ref} ${reason}\n`));
  }
  lines.push(FLUSH_PKT);
  const report = Buffer.concat(lines);
  if (!capabilities.includes('side-band-64k') && !capabilities.includes('side-band')) return report;
  const framed: Buffer[] = [];
  for (let i = 0; i < report.length; i += 65000) framed.push(encodeSideband(1, report.subarray(i, i + 65000)));
  framed.push(FLUSH_PKT);
  return Buffer.concat(framed);
}

/** A progress line shown by the client as `remote: …`, when the client wants progress. */
export function progressMessage(message: string, capabilities: string[]): Buffer | undefined {
  if (capabilities.includes('quiet')) return undefined;
  if (!capabilities.includes('side-band-64k') && !capabilities.includes('side-band')) return undefined;
  return encodeSideband(2, `${message}\n`);
}
