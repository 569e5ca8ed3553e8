/** The newest buffered events (as workflows receive them) and the dead letters, with replay. */
import { useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { dateTime, pretty } from '../format';
import type { DeadLetter, WebhookEvent } from '../types';

export function LastEvents({ events }: { events: WebhookEvent[] }) {
	return (
		<section aria-labelledby="events-title">
			<h2 id="events-title">Last events</h2>
			{events.length === 0 ? (
				<p>No buffered events.</p>
			) : (
				<ol class="events">
					{events.map((e) => (
						<li key={e.id}>
							<article aria-label={`Event ${e.id}`}>
								<p class="muted">
									{dateTime(e.receivedAt)} · {e.method} {e.path || '/'} ·{' '}
									{e.contentType || 'no content type'} · from {e.sourceIp}
								</p>
								<details>
									<summary>Headers</summary>
									<pre>{pretty(e.headers)}</pre>
								</details>
								<pre aria-label="Event body">{pretty(e.body)}</pre>
							</article>
						</li>
					))}
				</ol>
			)}
		</section>
	);
}

export function DeadLetters({
	endpointId,
	letters,
	onReplayed,
}: {
	endpointId: string;
	letters: DeadLetter[];
	onReplayed(): void;
}) {
	const [message, setMessage] = useState<string>();
	const [error, setError] = useState<string>();

	const replay = async (ids: string[]) => {
		setError(undefined);
		try {
			const result = await api.replayDeadLetters(endpointId, ids);
			setMessage(
				`Replayed ${result.replayed.length} dead letter(s)${result.skipped.length ? `; ${result.skipped.length} skipped (gone already)` : ''}.`,
			);
			onReplayed();
		} catch (caught) {
			setError(errorText(caught));
		}
	};

	return (
		<section aria-labelledby="dead-title">
			<h2 id="dead-title">Dead letters</h2>
			<p class="hint">
				Events a workflow failed too often. Replaying hands them back to the same subscriber.
			</p>
			{letters.length === 0 ? (
				<p>No dead letters.</p>
			) : (
				<>
					<table>
						<caption>Dead letters of this endpoint</caption>
						<thead>
							<tr>
								<th scope="col">Id</th>
								<th scope="col">Subscriber</th>
								<th scope="col">Attempts</th>
								<th scope="col">Last error</th>
								<th scope="col">Dead since</th>
								<th scope="col">
									<span class="visually-hidden">Action</span>
								</th>
							</tr>
						</thead>
						<tbody>
							{letters.map((l) => (
								<tr key={l.id}>
									<td>
										<code>{l.id}</code>
									</td>
									<td>{l.subscriberId}</td>
									<td>{l.attempts}</td>
									<td>{l.error}</td>
									<td>{dateTime(l.deadAt)}</td>
									<td>
										<button
											type="button"
											aria-label={`Replay dead letter ${l.id}`}
											onClick={() => void replay([l.id])}
										>
											Replay
										</button>
									</td>
								</tr>
							))}
						</tbody>
					</table>
					<button type="button" onClick={() => void replay([])}>
						Replay all dead letters
					</button>
				</>
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
