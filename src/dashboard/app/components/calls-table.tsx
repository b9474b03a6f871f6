import { count, duration, usd } from '../lib/format.ts';
import type { CallRecord } from '../../../contract/item-detail.ts';

/** Every provider call attempt of the run, as the usage ledger recorded it. */
export function CallsTable({ calls }: { calls: CallRecord[] }) {
  if (calls.length === 0) return <p class="muted">No provider call yet.</p>;
  return (
    <div class="table-wrap">
      <table class="table compact">
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col">Model</th>
            <th scope="col" class="num">Attempt</th>
            <th scope="col">Outcome</th>
            <th scope="col" class="num">Tokens in</th>
            <th scope="col" class="num">Tokens out</th>
            <th scope="col" class="num">Latency</th>
            <th scope="col" class="num">Cost</th>
          </tr>
        </thead>
        <tbody>
          {calls.map((call, index) => (
            <tr key={index}>
              <td>{call.stage}</td>
              <td>
                <span class="mono">{call.model}</span> <span class={`provider provider-${call.provider}`}>{call.provider}</span>
              </td>
              <td class="num">{call.attempt}</td>
              <td>{call.success ? <span class="ok">ok</span> : <span class="bad" title={call.error ?? ''}>{call.error ?? 'failed'}</span>}</td>
              <td class="num">{count(call.input_tokens)}</td>
              <td class="num">{count(call.output_tokens)}</td>
              <td class="num">{duration(call.response_time_ms)}</td>
              <td class="num">{usd(call.cost_usd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
