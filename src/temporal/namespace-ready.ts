import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from './names.ts';

/**
 * Waits until every frontend of the cluster knows the namespace and the contract's search
 * attributes. Each node caches namespaces and search attributes and refreshes them on its own
 * timer, so a run started through one node right after setup could otherwise be refused by another.
 */
export async function waitForNamespaceEverywhere(addresses: string[], namespace: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const address of addresses) {
    let lastProblem = '';
    for (;;) {
      try {
        lastProblem = await namespaceProblem(address, namespace);
        if (!lastProblem) break;
      } catch (error) {
        lastProblem = (error as Error).message;
      }
      if (Date.now() > deadline) throw new Error(`Temporal at ${address} is not ready for namespace ${namespace}: ${lastProblem}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

async function namespaceProblem(address: string, namespace: string): Promise<string> {
  const connection = await Connection.connect({ address, connectTimeout: 2000 });
  try {
    await connection.workflowService.describeNamespace({ namespace });
    const listed = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = Object.keys(SEARCH_ATTRIBUTES).filter((name) => !(name in (listed.customAttributes ?? {})));
    return missing.length > 0 ? `search attributes ${missing.join(', ')} not visible yet` : '';
  } finally {
    await connection.close();
  }
}
