/** The `slipway` process: wires signals and standard streams to `main` and sets the exit code. */
import { main, pendingRunMessage } from './main';

// The launcher (dist/cli.js as a shell script, see esbuild.mjs) moved NODE_EXTRA_CA_CERTS aside so this Node did not
// parse the bundle at start-up; the processes Slipway starts get it back.
if (process.env.SLIPWAY_NODE_EXTRA_CA_CERTS !== undefined) {
  process.env.NODE_EXTRA_CA_CERTS = process.env.SLIPWAY_NODE_EXTRA_CA_CERTS;
  delete process.env.SLIPWAY_NODE_EXTRA_CA_CERTS;
}

const controller = new AbortController();
let interrupted = 0;
const onSignal = (sig: NodeJS.Signals): void => {
  interrupted++;
  if (interrupted > 1) process.exit(130);
  process.stderr.write(`\nslipway: ${sig} received, cleaning up… (again to force)\n`);
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
const write = (stream: NodeJS.WriteStream) => (text: string) => void stream.write(text);
let settled = false;
// No false green: when nothing is left to wait for but the command has not finished (an engine connection that
// closed without an answer, a process that vanished), Node would exit 0. Such a run failed.
process.on('beforeExit', () => {
  if (settled) return;
  settled = true;
  process.stderr.write(`slipway: ${pendingRunMessage(process.argv.slice(2), process.env)}\n`);
  process.exitCode = 1;
});
main(process.argv.slice(2), { out: write(process.stdout), err: write(process.stderr) }, process.env, controller.signal).then(
  (code) => {
    settled = true;
    exitWhenFlushed(controller.signal.aborted && code !== 0 ? 130 : code);
  },
  (e: unknown) => {
    settled = true;
    process.stderr.write(`slipway: internal error: ${String(e)}\n`);
    exitWhenFlushed(1);
  },
);

/**
 * The command has answered: exit once stdout and stderr are written out. Waiting for the event loop to drain instead
 * would hang on a request still open to an engine that stopped answering (paused, cut off) after it was reported.
 */
function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
