import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import type { HistoryAndWorkflowId } from '@temporalio/client';

export interface ReplayOutcome {
  workflowId: string;
  runId: string;
  ok: boolean;
  error?: string;
  /** What the divergence means and what to do about it, for a person. */
  explanation?: string;
}

/**
 * Reads a history exported by the Temporal CLI (`temporal workflow show -w <id> --output json`) or
 * by `quarry replay --save`: a JSON object with an `events` array.
 */
export function parseHistoryFile(text: string): ReturnType<typeof historyFromJSON> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`the history file is not JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || !Array.isArray((parsed as { events?: unknown }).events)) {
    throw new Error('the history file has no "events" array; export one with `temporal workflow show -w <id> --output json`');
  }
  return historyFromJSON(parsed);
}

/** The workflow id recorded in a history's first event, when it has one. */
export function workflowIdOf(history: ReturnType<typeof historyFromJSON>, fallback: string): string {
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const parent = started?.parentWorkflowExecution?.workflowId;
  return started?.workflowId ?? (parent ? `${fallback} (child of ${parent})` : fallback);
}

/**
 * Replays histories against the current workflow code, one outcome per history. A history that no
 * longer replays means a running workflow of that shape would fail on its next task after a deploy.
 */
export async function* replayHistories(
  options: ReplayWorkerOptions,
  histories: AsyncIterable<HistoryAndWorkflowId> | Iterable<HistoryAndWorkflowId>,
): AsyncGenerator<ReplayOutcome> {
  for await (const result of Worker.runReplayHistories(options, histories)) {
    if (!result.error) {
      yield { workflowId: result.workflowId, runId: result.runId, ok: true };
      continue;
    }
    const full = result.error instanceof Error ? result.error.message : String(result.error);
    // The SDK wraps the core's message in a debug dump; the line that names the event is the useful part.
    const error = /\[TMPRL1100\][^"\\]*/.exec(full)?.[0] ?? full;
    yield { workflowId: result.workflowId, runId: result.runId, ok: false, error, explanation: explainDivergence(error) };
  }
}

/**
 * Turns the SDK's nondeterminism message into advice: what differs between the recorded run and
 * the code, and how such a change is made safely.
 */
export function explainDivergence(message: string): string {
  const lines: string[] = [];
  if (/does not match|mismatch|Nondeterminism|nondeterministic|TMPRL1100/i.test(message)) {
    lines.push(
      'The current workflow code issues different commands than the recorded run did at the same point ' +
        '(an activity, timer or child workflow was added, removed, reordered or renamed).',
    );
  } else if (/No command scheduled|missing/i.test(message)) {
    lines.push('The recorded run did something the current code no longer does at that point.');
  } else {
    lines.push('The replay failed for a reason other than a command mismatch; the message above has the details.');
  }
  lines.push(
    "Guard the change with patched('<change-id>') from @temporalio/workflow, keeping the old path for runs " +
      'that started before it; once no such run is open, deprecatePatch() and later remove the old path. ' +
      'See docs/operations.md, "Changing workflow code".',
  );
  return lines.join('\n');
}
