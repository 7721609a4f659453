import * as assert from 'node:assert/strict';
import { LogReorderBuffer, formatServiceLogLine, parseServiceLogLine } from '../../../src/core/swarm/serviceLogs';

const details = (task: string) => `com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s1,com.docker.swarm.task.id=${task}`;

describe('service logs: one time-ordered stream, each line with its task', () => {
  it('parses a --timestamps --details line (the engine trims trailing zeros of the fraction)', () => {
    const a = parseServiceLogLine(`2026-12-01T02:27:37.2485Z ${details('t1')} line 2 from a`)!;
    const b = parseServiceLogLine(`2026-12-01T02:27:37.248527155Z ${details('t2')} line 2 from b`)!;
    assert.equal(a.taskId, 't1');
    assert.equal(a.text, 'line 2 from a');
    assert.ok(a.sortKey < b.sortKey, `${a.sortKey} sorts before ${b.sortKey}`);
    assert.equal(parseServiceLogLine('not a log line'), undefined);
  });

  it('formats with the task name and the time of day to the millisecond', () => {
    const line = parseServiceLogLine(`2026-12-01T02:27:37.2485Z ${details('t1')} hello`)!;
    assert.equal(formatServiceLogLine(line, (id) => (id === 't1' ? 'go-auth.1' : '?')), 'go-auth.1 | 02:27:37.248 hello');
  });

  it('releases lines in time order once they settled, holding back what may still be overtaken', () => {
    const buf = new LogReorderBuffer(400);
    // The engine's answer: task 1's lines, then task 2's (older ones among them).
    buf.push(parseServiceLogLine(`2026-12-01T00:00:02Z ${details('t1')} t1 second`)!, 0);
    buf.push(parseServiceLogLine(`2026-12-01T00:00:04Z ${details('t1')} t1 fourth`)!, 0);
    buf.push(parseServiceLogLine(`2026-12-01T00:00:01Z ${details('t2')} t2 first`)!, 0);
    assert.deepEqual(buf.flush(100), [], 'nothing has settled yet');
    buf.push(parseServiceLogLine(`2026-12-01T00:00:03Z ${details('t2')} t2 third`)!, 300);
    assert.deepEqual(buf.flush(450).map((l) => l.text), ['t2 first', 't1 second', 't2 third', 't1 fourth']);
    assert.equal(buf.size, 0);
    buf.push(parseServiceLogLine(`2026-12-01T00:00:06Z ${details('t1')} t1 sixth`)!, 1000);
    buf.push(parseServiceLogLine(`2026-12-01T00:00:05Z ${details('t2')} t2 fifth`)!, 1300);
    assert.deepEqual(buf.flush(1450).map((l) => l.text), ['t2 fifth', 't1 sixth'], 'an older late arrival goes out before the settled line');
    buf.push(parseServiceLogLine(`2026-12-01T00:00:07Z ${details('t1')} last`)!, 2000);
    assert.deepEqual(buf.drain().map((l) => l.text), ['last']);
  });
});
