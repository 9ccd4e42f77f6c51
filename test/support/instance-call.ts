import type { ServiceProcess } from './service-process.js';

/** A request to a service process with a Bearer key: its status and JSON body (null when there is none). */
export async function callInstance(instance: ServiceProcess, key: string, method = 'GET', path = '/v1/api-keys', body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${instance.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}
