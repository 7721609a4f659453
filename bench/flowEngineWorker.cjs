// Helper of bench/flow.mjs: runs the git-flow engine in-process on request (IPC), the way the editor does.
// argv: <ballast MB> <direct|helper>. The ballast makes this process as big as a VS Code extension host (~200 MB
// measured), because Node's fork-based spawn gets slower with the parent's size; "helper" spawns git through
// the git client's helper-process transport as the extension does.
const { join } = require('node:path');
const root = join(__dirname, '..');
const { GitFlowEngine } = require(join(root, 'out', 'src', 'core', 'gitflow', 'engine.js'));
const { gitClient, gitPort, HelperProcessTransport } = require(join(root, 'out', 'src', 'adapters', 'git', 'index.js'));

const ballast = [];
for (let i = 0; i < Number(process.argv[2]); i++) ballast.push(Buffer.alloc(1 << 20, 1));
const helper = process.argv[3] === 'helper' ? new HelperProcessTransport() : undefined;
if (helper) gitClient.useTransport(helper);

// Each round is two messages: phase "start" (feature start X), then phase "finish" (after the bench committed).
process.on('message', async ({ repo, env, phase }) => {
  const t0 = process.hrtime.bigint();
  try {
    const engine = new GitFlowEngine(gitPort(repo, { env }));
    if (phase === 'start') await engine.start('feature', 'X');
    else await engine.finish('feature', 'X');
    process.send({ ms: Number(process.hrtime.bigint() - t0) / 1e6, ballastMb: ballast.length });
  } catch (e) {
    process.send({ error: String(e && e.message) });
  }
});
process.on('disconnect', () => {
  helper?.dispose();
  process.exit(0);
});
