// node-zone FILE: writes the zone of the node this pod runs on (its topology.kubernetes.io/zone
// label) to FILE, for git-storage's CAIRN_ZONE. Pods cannot read their node's labels through the
// downward API, so this init container asks the API server (get on nodes; as Strimzi does for
// Kafka's rack awareness). A node without the label is named by itself, with a warning.
import { renameSync, writeFileSync } from 'node:fs';
import { kubeClient, log } from './kube.mjs';

const ZONE_LABELS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];

async function main() {
  const file = process.argv[2];
  const nodeName = process.env.NODE_NAME;
  if (!file || !nodeName) throw new Error('usage: node-zone FILE (with NODE_NAME set from spec.nodeName)');
  const node = await kubeClient().getCluster('nodes', nodeName);
  if (!node) throw new Error(`node ${nodeName} not found`);
  const labels = node.metadata?.labels ?? {};
  let zone = ZONE_LABELS.map((l) => labels[l]).find(Boolean);
  if (!zone) {
    zone = nodeName;
    log(`node ${nodeName} has no ${ZONE_LABELS[0]} label: using the node name as the zone`);
  }
  writeFileSync(`${file}.tmp`, zone);
  renameSync(`${file}.tmp`, file);
  log(`zone ${zone} (node ${nodeName})`);
}

main().catch((error) => {
  log(`node-zone failed: ${error.message}`);
  process.exit(1);
});
