/**
 * The triggers reading an endpoint: their lag (waiting), pending and filtered-out events, last
 * seen time and workflow; remove one, or rewind one to a time or an event id the endpoint still
 * holds; and the dropped ones whose workflow has not come back (they resume where they stopped
 * and are told what they missed).
 */
import { useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { age, dateTime } from '../format';
import type { EndpointSubscribers, SubscriberView } from '../types';

function who(s: {
	workflowId: string;
	nodeId: string;
	workflowName: string | null;
	nodeName: string | null;
}): string {
	return `${s.workflowName ?? `workflow ${s.workflowId}`} · ${s.nodeName ?? `node ${s.nodeId}`}`;
}

function Rewind({
	endpointId,
	subscriber,
	onDone,
}: {
	endpointId: string;
	subscriber: SubscriberView;
	onDone(message: string): void;
}) {
	const [to, setTo] = useState('');
	const [error, setError] = useState<string>();
	const submit = async () => {
		setError(undefined);
		const point = /^\d+-\d+$/.test(to.trim())
			? { eventId: to.trim() }
			: { time: new Date(to).toISOString() };
		try {
			const result = await api.rewindSubscriber(endpointId, subscriber.id, point);
			onDone(
				`${who(subscriber)} starts again after ${result.startsAfterId}: ${result.subscriber.waiting} event(s) waiting.`,
			);
		} catch (caught) {
			setError(errorText(caught));
		}
	};
	return (
		<form
			class="inline"
			onSubmit={(e) => {
				e.preventDefault();
				void submit();
			}}
		>
			<label>
				Rewind to{' '}
				<input
					value={to}
					onInput={(e) => setTo((e.target as HTMLInputElement).value)}
					placeholder="2026-12-04T10:00 or 1732280000000-0"
					required
				/>
			</label>{' '}
			<button type="submit" aria-label={`Rewind subscriber ${subscriber.id}`}>
				Rewind
			</button>
			{error && (
				<span role="alert" class="error">
					{' '}
					{error}
				</span>
			)}
		</form>
	);
}

export function Subscribers({
	endpointId,
	data,
	onChanged,
}: {
	endpointId: string;
	data: EndpointSubscribers;
	onChanged(): void;
}) {
	const [message, setMessage] = useState<string>();
	const [error, setError] = useState<string>();
	const remove = async (s: SubscriberView) => {
		setError(undefined);
		try {
			await api.removeSubscriber(endpointId, s.id);
			setMessage(`Removed ${who(s)}. If its workflow is still active it rejoins where it stopped.`);
			onChanged();
		} catch (caught) {
			setError(errorText(caught));
		}
	};
	return (
		<section aria-labelledby="subscribers-title">
			<h2 id="subscribers-title">Subscribers</h2>
			<p class="hint">
				Each active trigger node reading this endpoint has its own place in the buffer. One unseen
				for the subscriber retention is dropped; when its workflow comes back it resumes where it
				stopped and is told what was removed meanwhile.
			</p>
			{data.subscribers.length === 0 ? (
				<p>No subscribers: nothing reads this endpoint.</p>
			) : (
				<table>
					<caption>Subscribers of this endpoint</caption>
					<thead>
						<tr>
							<th scope="col">Workflow · node</th>
							<th scope="col">Waiting</th>
							<th scope="col">In progress</th>
							<th
								scope="col"
								title="Left out by the trigger's filter: acknowledged without starting an execution"
							>
								Filtered out
							</th>
							<th scope="col">Last seen</th>
							<th scope="col">Since</th>
							<th scope="col">
								<span class="visually-hidden">Actions</span>
							</th>
						</tr>
					</thead>
					<tbody>
						{data.subscribers.map((s) => (
							<tr key={s.id} data-subscriber={s.id} data-waiting={s.waiting}>
								<th scope="row">
									{who(s)}
									<br />
									<code class="muted">{s.id}</code>
								</th>
								<td>{s.waiting}</td>
								<td>{s.pending}</td>
								<td data-filtered={s.filtered}>{s.filtered}</td>
								<td title={dateTime(s.lastSeen)}>{age(s.lastSeen)}</td>
								<td>{dateTime(s.createdAt)}</td>
								<td>
									<Rewind
										endpointId={endpointId}
										subscriber={s}
										onDone={(text) => {
											setMessage(text);
											onChanged();
										}}
									/>
									<button
										type="button"
										class="danger"
										aria-label={`Remove subscriber ${s.id}`}
										onClick={() => void remove(s)}
									>
										Remove
									</button>
								</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
			{data.dropped.length > 0 && (
				<table>
					<caption>Dropped, not back yet</caption>
					<thead>
						<tr>
							<th scope="col">Workflow · node</th>
							<th scope="col">Dropped</th>
							<th scope="col">Why</th>
							<th scope="col">Resumes after</th>
						</tr>
					</thead>
					<tbody>
						{data.dropped.map((d) => (
							<tr key={d.id} data-dropped={d.id}>
								<th scope="row">{who(d)}</th>
								<td>{dateTime(d.droppedAt)}</td>
								<td>
									{d.reason === 'retention' ? 'inactive longer than the retention' : 'removed'}
								</td>
								<td>
									<code>{d.resumeAfterId}</code>
								</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
			{message && <p role="status">{message}</p>}
			{error && (
				<p role="alert" class="error">
					{error}
				</p>
			)}
		</section>
	);
}
