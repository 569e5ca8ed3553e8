/**
 * The endpoint's request log (docs/request-log.md): accepted and rejected requests with the check
 * that failed, filtered by status, code, time and event/delivery id, paged with a cursor; a detail
 * panel shows one entry and where its event stands for each subscriber.
 */
import { useState } from 'preact/hooks';
import { api, errorText, type RequestFilters } from '../api';
import { dateTime } from '../format';
import { useLoaded } from '../hooks';
import type { LoggedRequest, RequestDetail, SubscriberDelivery } from '../types';

const SINCE = [
	['', 'Any time'],
	['15m', 'Last 15 minutes'],
	['1h', 'Last hour'],
	['24h', 'Last 24 hours'],
	['7d', 'Last 7 days'],
] as const;

function stateText(s: SubscriberDelivery): string {
	if (s.state === 'pending')
		return s.released
			? `pending: in a run (${s.deliveries ?? 0} deliveries)`
			: 'pending: not released yet';
	if (s.state === 'dead_letter')
		return `dead letter ${s.deadLetterId ?? ''} after ${s.deliveries ?? 0} attempts`;
	if (s.state === 'before_subscription') return 'joined after this event';
	return 'delivered (acknowledged)';
}

function Detail({ detail, onClose }: { detail: RequestDetail; onClose(): void }) {
	const r = detail.request;
	return (
		<section aria-label="Request detail" class="detail">
			<h3>
				Request {r.id}{' '}
				<button type="button" class="small" onClick={onClose}>
					Close
				</button>
			</h3>
			<dl class="figures">
				{(
					[
						['Time', dateTime(r.time)],
						['Answer', `${r.status} ${r.code}`],
						['Reason', r.reason ?? '—'],
						['Method', r.method],
						['Source', r.sourceIp],
						['Size', `${r.bytes} bytes`],
						['Event', r.eventId ?? '—'],
						['Delivery id', r.deliveryId ?? '—'],
					] as const
				).map(([label, value]) => (
					<div key={label}>
						<dt>{label}</dt>
						<dd data-field={label.toLowerCase().replace(' ', '-')}>{value}</dd>
					</div>
				))}
			</dl>
			{detail.event && (
				<table>
					<caption>
						Event {detail.event.id} per subscriber
						{detail.event.inBuffer ? '' : ' (no longer buffered)'}
					</caption>
					<thead>
						<tr>
							<th scope="col">Subscriber</th>
							<th scope="col">State</th>
							<th scope="col">Last error</th>
						</tr>
					</thead>
					<tbody>
						{detail.event.subscribers.length === 0 && (
							<tr>
								<td colSpan={3}>No subscribers: the event waits in the buffer.</td>
							</tr>
						)}
						{detail.event.subscribers.map((s) => (
							<tr key={s.subscriberId} data-state={s.state}>
								<th scope="row">{s.subscriberId}</th>
								<td>{stateText(s)}</td>
								<td>{s.error ?? '—'}</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
		</section>
	);
}

export function RequestLog({ endpointId }: { endpointId: string }) {
	const [form, setForm] = useState<RequestFilters>({});
	const [filters, setFilters] = useState<RequestFilters>({});
	const [older, setOlder] = useState<{ requests: LoggedRequest[]; cursor: string | null }>();
	const [detail, setDetail] = useState<RequestDetail>();
	const [error, setError] = useState<string>();
	const first = useLoaded(
		() => api.requests(endpointId, filters),
		`requests:${endpointId}:${JSON.stringify(filters)}`,
	);
	const rows = [...(first.data?.requests ?? []), ...(older?.requests ?? [])];
	const cursor = older ? older.cursor : (first.data?.nextCursor ?? null);
	const field = (name: keyof RequestFilters) => (e: Event) =>
		setForm({ ...form, [name]: (e.target as HTMLInputElement).value });

	const loadOlder = async () => {
		if (!cursor) return;
		try {
			const page = await api.requests(endpointId, { ...filters, cursor });
			setOlder({
				requests: [...(older?.requests ?? []), ...page.requests],
				cursor: page.nextCursor,
			});
		} catch (caught) {
			setError(errorText(caught));
		}
	};
	const open = async (id: string) => {
		setError(undefined);
		try {
			setDetail(await api.request(endpointId, id));
		} catch (caught) {
			setError(errorText(caught));
		}
	};

	return (
		<section aria-labelledby="requests-title">
			<h2 id="requests-title">Request log</h2>
			<p class="hint">
				Every request this endpoint answered, accepted or rejected, with the check that failed.
				Written within about a second; the oldest entries are trimmed.
			</p>
			<form
				class="inline"
				aria-label="Request log filters"
				onSubmit={(e) => {
					e.preventDefault();
					setOlder(undefined);
					setFilters({ ...form });
				}}
			>
				<label>
					Status{' '}
					<input
						value={form.status ?? ''}
						onInput={field('status')}
						placeholder="403,429"
						size={8}
					/>
				</label>{' '}
				<label>
					Code{' '}
					<input
						value={form.code ?? ''}
						onInput={field('code')}
						placeholder="unauthorized"
						size={14}
					/>
				</label>{' '}
				<label>
					Event or delivery id <input value={form.q ?? ''} onInput={field('q')} size={16} />
				</label>{' '}
				<label>
					Since{' '}
					<select value={form.from ?? ''} onChange={field('from')}>
						{SINCE.map(([value, label]) => (
							<option key={value} value={value}>
								{label}
							</option>
						))}
					</select>
				</label>{' '}
				<button type="submit">Apply filters</button>
			</form>
			{(first.error || error) && (
				<p role="alert" class="error">
					{first.error ?? error}
				</p>
			)}
			{rows.length === 0 ? (
				<p>{first.data ? 'No logged requests match.' : 'Loading…'}</p>
			) : (
				<div class="table-wrap">
					<table aria-label="Logged requests">
						<thead>
							<tr>
								<th scope="col">Time</th>
								<th scope="col">Status</th>
								<th scope="col">Code</th>
								<th scope="col">Reason</th>
								<th scope="col">Method</th>
								<th scope="col">Source</th>
								<th scope="col">Bytes</th>
								<th scope="col">Event / delivery id</th>
								<th scope="col">
									<span class="visually-hidden">Action</span>
								</th>
							</tr>
						</thead>
						<tbody>
							{rows.map((r) => (
								<tr key={r.id} data-status={r.status} data-code={r.code}>
									<td>{dateTime(r.time)}</td>
									<td>{r.status}</td>
									<td>{r.code}</td>
									<td>{r.reason ?? '—'}</td>
									<td>{r.method}</td>
									<td>{r.sourceIp}</td>
									<td>{r.bytes}</td>
									<td>
										{r.eventId && <code>{r.eventId}</code>}{' '}
										{r.deliveryId && <span class="muted">{r.deliveryId}</span>}
									</td>
									<td>
										<button
											type="button"
											class="small"
											aria-label={`Details of request ${r.id}`}
											onClick={() => void open(r.id)}
										>
											Details
										</button>
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
			{cursor && (
				<button type="button" onClick={() => void loadOlder()}>
					Older requests
				</button>
			)}
			{detail && <Detail detail={detail} onClose={() => setDetail(undefined)} />}
		</section>
	);
}
