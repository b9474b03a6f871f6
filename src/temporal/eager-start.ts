import { InternalConnectionLikeSymbol, type Client, type InternalConnectionLike } from '@temporalio/client';

/**
 * Whether `client` can start a workflow eagerly: ask the server to hand the new run's first workflow
 * task back in the start's answer, to a worker of this process, instead of through the task queue
 * (one dispatch and its queue wait fewer per run). The SDK allows it only over a `NativeConnection`,
 * the one a worker of this process polls with (`quarry up`, the bench); the core then reserves a
 * workflow-task slot of a worker on the run's task queue before it asks, and asks for nothing when
 * there is none. The server must allow it: the dev server is started with
 * `system.enableEagerWorkflowStart` (temporal/dev-server.ts).
 */
export function startsEagerly(client: Client): boolean {
  return (client.connection as InternalConnectionLike)[InternalConnectionLikeSymbol]?.supportsEagerStart === true;
}
