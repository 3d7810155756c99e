import type { components } from '../generated/runicorn.js';
import type { MockArtifact } from './runicorn-mock-data.js';
import type { RunicornMockState } from './runicorn-state.js';

type Schemas = components['schemas'];

/**
 * The lineage graph the viewer builds for `artifact:v<version>` (`LineageTracker.build_lineage_graph`):
 * upstream only, from the version to the run that produced it, the artifacts that run used, their
 * producing runs, and so on, `maxDepth` hops (at most 10). The viewer also starts a downstream walk,
 * but the root is already marked visited by then, so it adds nothing; neither does this. Every edge
 * is stamped with the time the graph is built. A version that does not exist gives no nodes.
 */
export function buildLineage(
  state: RunicornMockState,
  artifact: MockArtifact,
  version: number,
  maxDepth: number,
): Schemas['ArtifactLineage'] {
  const rootId = `${artifact.name}:v${version}`;
  const graph: Schemas['ArtifactLineage'] = { root_artifact: rootId, nodes: [], edges: [] };
  const root = artifact.versions.find((item) => item.version === version);
  if (!root) return graph;
  const addNode = (node: Schemas['LineageNode']) => {
    if (!graph.nodes.some((item) => item.node_id === node.node_id)) graph.nodes.push(node);
  };
  const addEdge = (source: string, target: string, edgeType: 'uses' | 'produces') => {
    if (!graph.edges.some((item) => item.source === source && item.target === target)) {
      graph.edges.push({ source, target, edge_type: edgeType, created_at: Date.now() / 1000 });
    }
  };
  addNode({
    node_type: 'artifact',
    node_id: rootId,
    label: `${artifact.name} v${version}`,
    metadata: { type: artifact.type, size: state.size(root), created_at: root.created_at },
  });
  const visitedArtifacts = new Set<string>();
  const visitedRuns = new Set<string>();
  const depthLimit = Math.min(maxDepth, 10);

  const upstream = (current: MockArtifact, number: number, depth: number): void => {
    const id = `${current.name}:v${number}`;
    if (depth >= depthLimit || visitedArtifacts.has(id)) return;
    visitedArtifacts.add(id);
    const found = current.versions.find((item) => item.version === number);
    const runId = found?.created_by_run;
    if (!runId || visitedRuns.has(runId)) return;
    visitedRuns.add(runId);
    const runNode = `run:${runId}`;
    addNode({ node_type: 'run', node_id: runNode, label: `Run ${runId.slice(0, 16)}...`, metadata: { run_id: runId } });
    addEdge(runNode, id, 'produces');
    // The run's artifacts_used.json, read through its folder (the recycle bin included).
    const run = state.runs.find((item) => item.id === runId);
    for (const used of run?.artifacts_used ?? []) {
      const usedArtifact = state.artifact(used.name, used.type);
      const usedVersion = usedArtifact?.versions.find((item) => item.version === used.version);
      if (!usedArtifact || !usedVersion) continue;
      const usedId = `${used.name}:v${used.version}`;
      addNode({
        node_type: 'artifact',
        node_id: usedId,
        label: `${used.name} v${used.version}`,
        metadata: { type: used.type, size: state.size(usedVersion) },
      });
      addEdge(usedId, runNode, 'uses');
      upstream(usedArtifact, used.version, depth + 1);
    }
  };
  upstream(artifact, version, 0);
  return graph;
}
