/**
 * Whether this process has logged damage its event-log readers met (SqliteEventStore's onError): one flag the request
 * thread and the projection thread share (it reaches the thread in its workerData), so the process says it once, not
 * once for each thread's connection.
 */
export const EVENT_LOG_DAMAGE_REPORTED = new Int32Array(new SharedArrayBuffer(4));

/** `report`, for the first message only of every thread sharing `flag`. */
export function reportedOnce(flag: Int32Array, report: (message: string) => void): (message: string) => void {
  return (message) => {
    if (Atomics.compareExchange(flag, 0, 0, 1) === 0) report(message);
  };
}
