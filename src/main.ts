// The stop signals are held first, before the service's modules load (seconds at a high load): see holdStopSignals.
import { holdStopSignals } from './app/start/stop-signals-at-start.js';

holdStopSignals();
await import('./app/start/service-main.js');
