import { spawn } from 'node:child_process';
import { childEnv } from './child-env.js';

/** The failure-injection stand-in (test/support/fake-esdb-server.cjs) running in a process of its own. */
export interface FakeEsdb {
  url: string;
  /** A control call (`/stuck?on=1`, `/failappend?n=1&stream=s-`, `/inject?type=X`, `/log`), answered as JSON. */
  control<T = unknown>(path: string): Promise<T>;
  stop(): Promise<void>;
}

/** Never an EventStoreDB server: only for the adapter's handling of failures a real server cannot be made to show. */
export async function startFakeEsdb(grpcPort: number, controlPort: number): Promise<FakeEsdb> {
  const child = spawn(process.execPath, ['test/support/fake-esdb-server.cjs', String(grpcPort), String(controlPort)], {
    env: childEnv({}),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => chunk.includes('fake esdb on') && resolve());
    child.on('exit', (code) => reject(new Error(`the fake EventStoreDB exited with ${code}`)));
  });
  return {
    url: `esdb://127.0.0.1:${grpcPort}?tls=false`,
    control: async <T>(path: string) => (await (await fetch(`http://127.0.0.1:${controlPort}${path}`)).json()) as T,
    stop: async () => {
      child.kill();
      await exited;
    },
  };
}
