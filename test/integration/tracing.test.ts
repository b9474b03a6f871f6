import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tracingFromEnvironment, type Tracing } from '../../src/observability/tracing.ts';
import { invoice, mixedProviderConfig } from '../support/documents.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
}

/**
 * A minimal OTLP/HTTP collector: keeps the spans of every JSON `POST /v1/traces` (what
 * `@opentelemetry/exporter-trace-otlp-http` sends) with their resource's `service.name`.
 */
async function startCollector(): Promise<{ server: Server; url: string; spans: Array<ExportedSpan & { service: string }> }> {
  const spans: Array<ExportedSpan & { service: string }> = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/v1/traces' && request.headers['content-type']?.startsWith('application/json')) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        for (const resourceSpans of body.resourceSpans ?? []) {
          const service = resourceSpans.resource?.attributes?.find((attribute: any) => attribute.key === 'service.name')?.value?.stringValue;
          for (const scopeSpans of resourceSpans.scopeSpans ?? []) for (const span of scopeSpans.spans ?? []) spans.push({ ...span, service });
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        response.writeHead(415).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, spans };
}

describe('OpenTelemetry tracing', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let tracing: Tracing | undefined;
  let stack: TestStack;
  const previousEndpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;

  beforeAll(async () => {
    collector = await startCollector();
    expect(await tracingFromEnvironment('quarry-worker', {})).toBeUndefined();
    // The exporter reads the endpoint from the process's environment, as it would in production.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = collector.url;
    tracing = await tracingFromEnvironment('quarry-worker');
    // Bundled from source, so the plugin's workflow interceptors are in the bundle (the shared
    // prebuilt bundle has none).
    stack = await startTestStack({}, { workerOptions: { workflowBundle: undefined, plugins: tracing?.plugins }, clientInterceptors: tracing?.clientInterceptors });
  });
  afterAll(async () => {
    await stack?.stop();
    await tracing?.shutdown();
    if (previousEndpoint === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = previousEndpoint;
    collector?.server.close();
  });

  it('traces a run from the API starting its workflow to the stage activities, in one trace', async () => {
    expect(tracing).toBeDefined();
    const id = (await stack.request('POST', '/queue', invoice(7))).body.id;
    const started = await stack.request('POST', `/queue/process/${id}`, mixedProviderConfig);
    expect(started.status).toBe(202);
    await waitForStatus(stack, id, ['completed']);

    // Workflow spans reach the exporter through a sink after their activation: flush until they arrive.
    const deadline = Date.now() + 10_000;
    const named = (name: string) => collector.spans.find((span) => span.name === name);
    while (!(named('StartWorkflow:extractDocument') && named('RunWorkflow:extractDocument') && named('RunActivity:classify'))) {
      if (Date.now() > deadline) throw new Error(`spans received: ${[...new Set(collector.spans.map((span) => span.name))].join(', ')}`);
      await tracing!.forceFlush();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const start = named('StartWorkflow:extractDocument')!;
    const run = named('RunWorkflow:extractDocument')!;
    const classify = named('RunActivity:classify')!;
    expect(run.traceId).toBe(start.traceId);
    expect(classify.traceId).toBe(start.traceId);
    expect(run.parentSpanId).toBe(start.spanId);
    // Every stage of this run belongs to the same trace.
    const trace = collector.spans.filter((span) => span.traceId === start.traceId).map((span) => span.name);
    expect(trace).toEqual(expect.arrayContaining(['StartActivity:classify', 'RunActivity:extract', 'RunActivity:validate']));
    expect(start.service).toBe('quarry-worker');
    expect(run.service).toBe('quarry-worker');
  });
});
