/**
 * All endpoints with today's figures: accepted against the daily limit, rejections by reason,
 * buffer depth, oldest waiting event and dead letters.
 */
import { api } from '../api';
import { age, countOf, limitText, REJECTION_GROUPS, startOfUtcDay, sumSince } from '../format';
import { useLoaded } from '../hooks';
import type { EndpointUsage, EndpointView } from '../types';
import { CopyButton } from './CopyButton';

interface Row {
	endpoint: EndpointView;
	usage?: EndpointUsage;
	today: Record<string, number>;
}

/** Endpoints whose figures are loaded; more are listed without figures. */
const MAX_WITH_FIGURES = 200;

async function loadRows(): Promise<Row[]> {
	const endpoints = await api.endpoints();
	const since = startOfUtcDay();
	return await Promise.all(
		endpoints.map(async (endpoint, i): Promise<Row> => {
			if (i >= MAX_WITH_FIGURES) return { endpoint, today: {} };
			const [usage, stats] = await Promise.all([
				api.usage(endpoint.id),
				api.stats(endpoint.id, 24),
			]);
			return { endpoint, usage, today: sumSince(stats.hours, since) };
		}),
	);
}

export function EndpointList() {
	const { data: rows, error, reload } = useLoaded(loadRows, 'list');
	return (
		<main>
			<div class="toolbar">
				<h1>Endpoints</h1>
				<a class="button primary" href="#/new">
					New endpoint
				</a>
				<button type="button" onClick={() => void reload()}>
					Refresh
				</button>
			</div>
			{error && (
				<p role="alert" class="error">
					{error}
				</p>
			)}
			{!rows && !error && <p>Loading…</p>}
			{rows && rows.length === 0 && <p>No endpoints yet. Create one to get a URL for a sender.</p>}
			{rows && rows.length > 0 && (
				<div class="table-wrap">
					<table>
						<caption>Endpoints and today&apos;s requests (UTC day)</caption>
						<thead>
							<tr>
								<th scope="col">Endpoint</th>
								<th scope="col">URL</th>
								<th scope="col">Account</th>
								<th scope="col">Plan</th>
								<th scope="col">State</th>
								<th scope="col">Accepted today</th>
								{REJECTION_GROUPS.map((g) => (
									<th scope="col" key={g.label} title={g.status}>
										{g.label}
									</th>
								))}
								<th scope="col">Duplicates</th>
								<th scope="col">Buffered</th>
								<th scope="col">Oldest waiting</th>
								<th scope="col">Dead letters</th>
							</tr>
						</thead>
						<tbody>
							{rows.map(({ endpoint, usage, today }) => (
								<tr key={endpoint.id} data-endpoint={endpoint.id}>
									<th scope="row">
										<a href={`#/endpoints/${encodeURIComponent(endpoint.id)}`}>{endpoint.name}</a>
										<div class="muted">{endpoint.id}</div>
									</th>
									<td class="url">
										<code>{endpoint.url}</code>{' '}
										<CopyButton text={endpoint.url} label={`Copy URL of ${endpoint.id}`} />
									</td>
									<td>{endpoint.accountId}</td>
									<td>{usage?.plan.name ?? '—'}</td>
									<td>{endpoint.enabled ? 'Enabled' : 'Disabled'}</td>
									<td data-field="accepted-today">
										{usage ? `${usage.acceptedToday} / ${limitText(usage.dailyLimit)}` : '—'}
									</td>
									{REJECTION_GROUPS.map((g) => (
										<td key={g.label} data-field={`rejected-${g.label}`}>
											{countOf(today, g.codes)}
										</td>
									))}
									<td data-field="duplicates">{today.duplicate ?? 0}</td>
									<td>{usage ? `${usage.buffer.length} / ${usage.buffer.capacity}` : '—'}</td>
									<td>{age(usage?.buffer.oldestReceivedAt ?? null)}</td>
									<td data-field="dead-letters">{usage?.deadLetters ?? '—'}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
		</main>
	);
}
