/**
 * Composition root: builds the adapters and core services and hands them to the editor features.
 * Nothing else lives here.
 */
import * as vscode from 'vscode';
import { createBuildPorts, createPipelinePorts } from './adapters/wiring';
import { buildAndTestWorkspace, buildWorkspace, packageWorkspace, testWorkspace } from './app/build';
import { runDoctorChecks } from './adapters/doctor';
import { activateBuild } from './vscode/build/index';
import { activateConfigCommands, activateConfigDiagnostics } from './vscode/config';
import { activateDoctor } from './vscode/doctor';
import { pipelineDependencies, runPipelineFor } from './app/pipeline/run';
import { runHistoryFor } from './adapters/runHistory';
import { activatePipeline } from './vscode/pipeline';
import { registerCommand, registerCommandsRunQuery } from './vscode/common/commands';
import { OutputLog } from './vscode/common/outputLog';
import { GitFlowEngine } from './core/gitflow/engine';
import { directTransport, findGitDir, gitClient, gitPort, gitTags, HelperProcessTransport } from './adapters/git';
import { formatGitCommand } from './core/gitflow/port';
import { activateGitFlow, type GitFlowApi } from './vscode/gitflow';
import { ClusterWatcher } from './adapters/docker/clusterWatcher';
import { userInfo } from 'node:os';
import { SwarmCluster } from './adapters/docker/swarm';
import { SwarmStacks } from './adapters/docker/stacks';
import { workspaceStackFiles } from './adapters/fs/stackFiles';
import { loadSlipwayConfig } from './adapters/config';
import { loadClusterTargets, registryLookup } from './adapters/docker/swarmClusters';
import { listRegistryTags } from './adapters/registry';
import { mergeClusters, parseClusterList } from './core/swarm/clusters';
import { activateSwarm } from './vscode/swarm';
import { pendingPromotionsService } from './app/agent/pending';
import { SwarmPendingPromotions } from './adapters/docker/pendingPromotions';
import { activatePendingPromotions } from './vscode/agent/pendingPromotions';


export interface SlipwayApi {
  readonly version: string;
  /** How long activate() itself took (Slipway's own code, not loading the bundle), for bench/activation.mjs. */
  readonly activationMs: number;
  readonly gitFlow?: GitFlowApi;
  /** The last lines written to the Slipway output channel (git commands, git-flow actions). */
  readonly outputLines: () => readonly string[];
}

export function activate(context: vscode.ExtensionContext): SlipwayApi {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('Slipway');
  context.subscriptions.push(output);
  const version = String((context.extension.packageJSON as { version?: string }).version ?? '0.0.0');
  // git runs from a small helper process (forking the large extension host for every git call is slow), and every
  // git command Slipway runs is logged to the Slipway output channel.
  const gitHelper = new HelperProcessTransport();
  gitClient.useTransport(gitHelper);
  const log = new OutputLog(output);
  const stopGitLog = gitClient.onCommand((c) => log.appendLine(formatGitCommand(c)));
  context.subscriptions.push({
    dispose: () => {
      stopGitLog();
      gitClient.useTransport(directTransport);
      gitHelper.dispose();
    },
  });

  registerCommandsRunQuery(context);
  activateDoctor(context, output, {
    runChecks: (cwd, extraClusters) => runDoctorChecks(cwd, { extraClusters }),
  });
  activateConfigCommands(context);
  activateConfigDiagnostics(context);
  const buildPorts = createBuildPorts();
  activateBuild(context, {
    build: (o) => buildWorkspace(buildPorts, o),
    package: (o) => packageWorkspace(buildPorts, o),
    integration: (o) => testWorkspace(buildPorts, o),
    buildAndTest: (o) => buildAndTestWorkspace(buildPorts, o),
    reap: () => buildPorts.reap(),
  });
  const swarm = activateSwarm(context, {
    // slipway.yml only: the setting is merged by the view (SLIPWAY_CLUSTERS is the CLI's equivalent of the setting).
    clustersFromWorkspace: (dir) => loadClusterTargets(dir, {}),
    clustersFromSettings: (value) => parseClusterList(value, 'settings'),
    connect: (cluster) => {
      const client = SwarmCluster.connect(cluster);
      return { client, watch: (options) => new ClusterWatcher(client, options) };
    },
    registryFor: registryLookup(),
    registryTags: (ref) => listRegistryTags(ref),
    gitTags,
    stacks: {
      config: (folder) => loadSlipwayConfig(folder),
      deps: (cluster, folder) => ({ cluster: new SwarmStacks(SwarmCluster.connect(cluster)), files: workspaceStackFiles(folder), registryFor: registryLookup(), env: process.env }),
      releases: (cluster) => new SwarmStacks(SwarmCluster.connect(cluster)).allReleases(),
      pending: (cluster) => new SwarmPendingPromotions(SwarmCluster.connect(cluster)).list(),
      author: async (folder) => {
        const commit = (await gitClient.read(['rev-parse', '--verify', '-q', 'HEAD'], { cwd: folder, timeoutMs: 10_000 }))?.trim();
        return { who: process.env.SLIPWAY_ACTOR ?? userInfo().username, ...(commit ? { commit } : {}) };
      },
    },
  });
  const pendingPromotions = pendingPromotionsService({
    clusters: async (dir) => mergeClusters(await loadClusterTargets(dir, {}), parseClusterList(vscode.workspace.getConfiguration('slipway').get('clusters'), 'settings')),
    connect: (cluster) => {
      const client = SwarmCluster.connect(cluster);
      return { stacks: new SwarmStacks(client), pending: new SwarmPendingPromotions(client) };
    },
  });
  const pipeline = activatePipeline(context, {
    runPipeline: (request) => runPipelineFor(pipelineDependencies(createPipelinePorts(process.env, buildPorts)), request),
    recentRuns: async (dir) => (await runHistoryFor(dir)).recent({ limit: 200 }),
    runLog: async (dir, runId) => (await runHistoryFor(dir)).readLog(runId),
    pendingPromotions: (dir) => pendingPromotions.list(dir),
  });
  activatePendingPromotions(context, pendingPromotions, () => {
    void pipeline.controller.refreshHistory();
    void swarm.pendingChanged();
  });
  registerCommand(context, 'slipway.showVersion', () => {
    void vscode.window.showInformationMessage(`Slipway ${version}`);
    return version;
  });

  const gitFlow = activateGitFlow(context, {
    engineFor: (root) => new GitFlowEngine(gitPort(root)),
    gitDirFor: findGitDir,
    log: (lines) => lines.forEach((l) => log.appendLine(l)),
  });

  return { version, gitFlow, outputLines: () => log.lines(), activationMs: performance.now() - started };
}

export function deactivate(): void {
  // Features register their disposables on the context; nothing global to tear down.
}
