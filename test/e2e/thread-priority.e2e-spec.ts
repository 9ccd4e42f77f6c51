import { readdirSync, readFileSync } from 'node:fs';
import { BACKGROUND_NICENESS } from '../../src/shared/runtime/background-priority.js';
import { countEvents, createKeyWithCli, startServiceProcess } from '../support/service-process.js';
import { eventually } from '../support/eventually.js';
import { makeTempDir } from '../support/temp-dir.js';

/** Niceness of every thread of a process, by thread id (Linux /proc). */
function threadNiceness(pid: number): Map<number, number> {
  const byThread = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // Fields after the command name; niceness is field 19 of stat(5), the 17th after ")".
    byThread.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return byThread;
}

const onLinux = process.platform === 'linux';
if (!onLinux) console.log('Thread priority test skipped: per-thread priorities are set on Linux only');

(onLinux ? describe : describe.skip)('Background threads yield the CPU to the request thread', () => {
  it('runs the append, checkpoint and projection threads at a lower priority and leaves the request thread alone', async () => {
    const dir = makeTempDir('priority');
    const { key } = createKeyWithCli(dir.path);
    const service = await startServiceProcess({ DATA_DIR: dir.path, USAGE_FLUSH_INTERVAL_MS: '50' });
    try {
      const pid = service.child.pid!;
      // The append thread starts with the first usage batch.
      const res = await fetch(`${service.url}/v1/api-keys`, { headers: { Authorization: `Bearer ${key}` } });
      expect(res.status).toBe(200);
      await eventually(() => expect(countEvents(dir.path, 'KeyUsed')).toBe(1));
      const niceness = threadNiceness(pid);
      expect(niceness.get(pid)).toBe(0);
      expect([...niceness.values()].filter((n) => n === BACKGROUND_NICENESS)).toHaveLength(3);
      expect([...niceness.values()].every((n) => n === 0 || n === BACKGROUND_NICENESS)).toBe(true);
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
      dir.remove();
    }
  });
});
