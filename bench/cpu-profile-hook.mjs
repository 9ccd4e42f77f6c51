// Preloaded into the service under test only when BENCH_PROFILE=1. The benchmark sends
// {cmd: 'profile-start'} / {cmd: 'profile-stop', file} over the IPC channel, so the profile
// covers exactly the measured verify run (not start-up, seeding or the other targets).
// Signals are not used: Nest's enableShutdownHooks() treats SIGUSR2 as a shutdown signal.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const session = new Session();
session.connect();
const post = (method, params = {}) =>
  new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));

process.on('message', async (message) => {
  try {
    if (message?.cmd === 'profile-start') {
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: Number(process.env.BENCH_PROFILE_INTERVAL_US ?? 200) });
      await post('Profiler.start');
      process.send({ cmd: 'profile-started' });
    } else if (message?.cmd === 'profile-stop') {
      const { profile } = await post('Profiler.stop');
      writeFileSync(message.file, JSON.stringify(profile));
      process.send({ cmd: 'profile-stopped', file: message.file });
    }
  } catch (error) {
    process.send({ cmd: 'profile-error', message: String(error?.stack ?? error) });
  }
});
// The IPC channel must not keep a shutting-down server alive.
process.channel?.unref();
