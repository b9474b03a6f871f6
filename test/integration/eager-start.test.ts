import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { invoice, mixedProviderConfig } from '../support/documents.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

/**
 * Where the API's client shares the worker's connection (`quarry up`), a run starts eagerly: the
 * server hands its first workflow task back with the start, to this process's worker.
 */
describe('eager workflow start', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => stack?.stop());

  function countingClient(client: { connection: Client['connection'] }) {
    const counted = { eager: 0, lazy: 0 };
    const interceptor: WorkflowClientInterceptor = {
      async startWithDetails(input, next) {
        const output = await next(input);
        counted[output.eagerlyStarted ? 'eager' : 'lazy'] += 1;
        return output;
      },
    };
    const temporal = new Client({ connection: client.connection, namespace: stack.settings.TEMPORAL_NAMESPACE, interceptors: { workflow: [interceptor] } });
    const app = createApp({ pool: stack.pool, temporal, catalog: stack.catalog, settings: stack.settings, simulated: true });
    return { counted, app };
  }

  async function processOne(app: ReturnType<typeof createApp>, n: number) {
    const queued = await app.request('/queue', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(invoice(n)) });
    const { id } = (await queued.json()) as { id: string };
    const started = await app.request(`/queue/process/${id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(mixedProviderConfig) });
    expect(started.status).toBe(202);
    return id;
  }

  it("starts a run on the worker whose connection the client shares, and the run completes", async () => {
    const { counted, app } = countingClient({ connection: stack.worker!.connection });
    const id = await processOne(app, 300);
    expect(counted).toEqual({ eager: 1, lazy: 0 });
    expect((await waitForStatus(stack, id, ['completed', 'failed'])).status).toBe('completed');
  });

  it('starts through the task queue over a connection of its own', async () => {
    const { counted, app } = countingClient({ connection: stack.temporal.connection });
    const id = await processOne(app, 301);
    expect(counted).toEqual({ eager: 0, lazy: 1 });
    expect((await waitForStatus(stack, id, ['completed', 'failed'])).status).toBe('completed');
  });
});
