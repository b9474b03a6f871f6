import type { ClientInterceptors } from '@temporalio/client';
import type { WorkerPlugin } from '@temporalio/worker';
import { z } from 'zod';

/**
 * OpenTelemetry tracing through Temporal's interceptors, configured by the standard OpenTelemetry
 * environment. A run's trace starts where the API starts its workflow and continues, through
 * Temporal's headers, into the workflow run and every activity it schedules.
 */
const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);

const TracingEnvironmentSchema = z.object({
  // The OTLP/HTTP exporter reads these two (and OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT…) itself; here
  // they only decide whether tracing is on.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess(emptyAsUndefined, z.string().optional()),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.preprocess(emptyAsUndefined, z.string().optional()),
  OTEL_SDK_DISABLED: z.preprocess(emptyAsUndefined, z.string().optional()),
});

export interface Tracing {
  /** For `Worker.create`: workflow, activity and worker-client interceptors, and the workflow span sink. */
  plugins: WorkerPlugin[];
  /** For a `Client` that starts workflows: its start span is the parent of the workflow's spans. */
  clientInterceptors: ClientInterceptors;
  /** Exports the spans still buffered, without stopping. */
  forceFlush(): Promise<void>;
  /** Exports the spans still buffered and stops; call after the worker and the client have stopped. */
  shutdown(): Promise<void>;
}

/**
 * Tracing for this process when `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
 * is set (and `OTEL_SDK_DISABLED` is not `true`), otherwise `undefined` — and then no OpenTelemetry
 * module is even loaded. Spans go over OTLP/HTTP as JSON; the service is `OTEL_SERVICE_NAME` (or
 * `service.name` in `OTEL_RESOURCE_ATTRIBUTES`), else `defaultServiceName`. Registers the global
 * tracer provider, context manager and W3C propagator, which the client and activity interceptors
 * use, so call it once per process. `env` decides only whether tracing is on; the exporter reads its
 * endpoint, headers and timeout from `process.env` as every OpenTelemetry SDK does.
 */
export async function tracingFromEnvironment(defaultServiceName: string, env: NodeJS.ProcessEnv = process.env): Promise<Tracing | undefined> {
  const settings = TracingEnvironmentSchema.parse(env);
  if (settings.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  if (!settings.OTEL_EXPORTER_OTLP_ENDPOINT && !settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return undefined;

  const [{ OTLPTraceExporter }, { Resource, envDetectorSync }, { BatchSpanProcessor }, { NodeTracerProvider }, otel] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/sdk-trace-node'),
    import('@temporalio/interceptors-opentelemetry'),
  ]);
  // Later merges win: the environment's service name over the process's default.
  const resource = Resource.default()
    .merge(new Resource({ 'service.name': defaultServiceName }))
    .merge(envDetectorSync.detect());
  // One processor for both paths: activity and client spans through the global provider, workflow
  // spans through the plugin's sink (the workflow sandbox cannot export by itself).
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();

  return {
    plugins: [new otel.OpenTelemetryPlugin({ resource, spanProcessor })],
    clientInterceptors: { workflow: [new otel.OpenTelemetryWorkflowClientInterceptor()] },
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
