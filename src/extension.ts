/**
 * Composition root: builds the adapters and core services and hands them to the editor features.
 * Nothing else lives here.
 */
import * as vscode from 'vscode';
import { runDoctorChecks } from './adapters/doctor';
import { activateConfigCommands } from './vscode/config';
import { activateDoctor } from './vscode/doctor';
import { registerCommand } from './vscode/common/commands';
import { ClusterWatcher } from './adapters/docker/clusterWatcher';
import { SwarmCluster } from './adapters/docker/swarm';
import { loadClusterTargets, registryLookup } from './adapters/docker/swarmClusters';
import { gitTags } from './adapters/gitTags';
import { RegistryClient } from './adapters/registry';
import { parseClusterList } from './core/swarm/clusters';
import { activateSwarm } from './vscode/swarm';

export interface SlipwayApi {
  readonly version: string;
}

export function activate(context: vscode.ExtensionContext): SlipwayApi {
  const output = vscode.window.createOutputChannel('Slipway');
  context.subscriptions.push(output);
  const version = String((context.extension.packageJSON as { version?: string }).version ?? '0.0.0');

  activateDoctor(context, output, { runChecks: (cwd) => runDoctorChecks(cwd) });
  activateConfigCommands(context);
  activateSwarm(context, {
    // slipway.yml only: the setting is merged by the view (SLIPWAY_CLUSTERS is the CLI's equivalent of the setting).
    clustersFromWorkspace: (dir) => loadClusterTargets(dir, {}),
    clustersFromSettings: (value) => parseClusterList(value, 'settings'),
    connect: (cluster) => SwarmCluster.connect(cluster),
    watch: (client, options) => new ClusterWatcher(client, options),
    registryFor: registryLookup(),
    registryTags: (ref) => new RegistryClient(ref.registry ?? 'registry-1.docker.io').tags(ref.path),
    gitTags,
  });
  registerCommand(context, 'slipway.showVersion', () => {
    void vscode.window.showInformationMessage(`Slipway ${version}`);
    return version;
  });

  return { version };
}

export function deactivate(): void {
  // Features register their disposables on the context; nothing global to tear down.
}
