/**
 * One endpoint: its URL, today's figures (next to its account's other endpoints) and rejections by
 * reason, the 24-hour chart, the daily usage history, a test event, the last events, the request
 * log, dead letters, subscribers and the settings. New secrets are shown here once.
 */
import { useState } from 'preact/hooks';
import { api } from '../api';
import {
	age,
	dateTime,
	limitText,
	mebibytes,
	reasonRows,
	startOfUtcDay,
	sumSince,
} from '../format';
import { useLoaded } from '../hooks';
import type {
	AccountDetail,
	DayUsage,
	DeadLetter,
	EndpointSubscribers,
	EndpointUsage,
	EndpointView,
	HourStats,
	Plan,
	WebhookEvent,
} from '../types';
import { Chart } from './Chart';
import { HistoryChart } from './HistoryChart';
import { CopyButton } from './CopyButton';
import { EndpointSettings } from './EndpointSettings';
import { DeadLetters, LastEvents } from './EventsPanel';
import { RequestLog } from './RequestLog';
import { SecretOnce } from './SecretOnce';
import { Subscribers } from './Subscribers';
import { TestEvent } from './TestEvent';

interface Detail {
	endpoint: EndpointView;
	usage: EndpointUsage;
	hours: HourStats[];
	events: WebhookEvent[];
	deadLetters: DeadLetter[];
	subscribers: EndpointSubscribers;
	plans: Plan[];
	history: DayUsage[];
	account: AccountDetail;
}

async function loadDetail(id: string): Promise<Detail> {
	const [endpoint, usage, stats, events, deadLetters, subscribers, plans, history] =
		await Promise.all([
			api.endpoint(id),
			api.usage(id),
			api.stats(id, 24),
			api.events(id, 10),
			api.deadLetters(id),
			api.subscribers(id),
			api.plans(),
			api.usageHistory(id, 35),
		]);
	const account = await api.account(endpoint.accountId);
	return {
		endpoint,
		usage,
		hours: stats.hours,
		events,
		deadLetters,
		subscribers,
		plans,
		history: history.days,
		account,
	};
}

/** The account's accepted requests today next to each of its endpoints', with their own limits. */
function AccountToday({ account, current }: { account: AccountDetail; current: string }) {
	return (
		<table class="reasons" data-table="account-usage">
			<caption>Account {account.id} today, by endpoint</caption>
			<thead>
				<tr>
					<th scope="col">Endpoint</th>
					<th scope="col">Accepted today</th>
					<th scope="col">Own daily limit</th>
					<th scope="col">Own rate</th>
				</tr>
			</thead>
			<tbody>
				<tr data-endpoint="(account)" data-accepted={account.acceptedToday}>
					<th scope="row">Whole account (plan {account.plan.id})</th>
					<td>{account.acceptedToday}</td>
					<td>{limitText(account.plan.daily)}</td>
					<td>{account.plan.rate === null ? 'no limit' : `${account.plan.rate}/s`}</td>
				</tr>
				{account.endpointUsage.map((e) => (
					<tr
						key={e.endpointId}
						data-endpoint={e.endpointId}
						data-accepted={e.acceptedToday}
						class={e.endpointId === current ? 'current' : undefined}
					>
						<th scope="row">{e.endpointId}</th>
						<td>{e.acceptedToday}</td>
						<td>{e.limits?.daily ?? '—'}</td>
						<td>{e.limits?.rate ? `${e.limits.rate}/s` : '—'}</td>
					</tr>
				))}
			</tbody>
		</table>
	);
}

function Usage({ usage, hours }: { usage: EndpointUsage; hours: HourStats[] }) {
	const today = sumSince(hours, startOfUtcDay());
	return (
		<section aria-labelledby="usage-title">
			<h2 id="usage-title">Today (UTC)</h2>
			<dl class="figures">
				<div>
					<dt>Accepted today</dt>
					<dd data-field="accepted-today">
						{usage.acceptedToday} / {limitText(usage.endpointLimits?.daily ?? usage.dailyLimit)}
						{usage.endpointDailyRemaining !== null &&
							` (own limit: ${usage.endpointDailyRemaining} left)`}
					</dd>
				</div>
				<div>
					<dt>Endpoint limits</dt>
					<dd data-field="endpoint-limits">
						{usage.endpointLimits
							? `rate ${limitText(usage.endpointLimits.rate)}/s, burst ${limitText(usage.endpointLimits.burst)}, ${limitText(usage.endpointLimits.daily)} a day`
							: "none of its own (the account's plan applies)"}
					</dd>
				</div>
				<div>
					<dt>Account total today</dt>
					<dd>
						{usage.accountAcceptedToday}
						{usage.dailyRemaining !== null &&
							` (${usage.dailyRemaining} left, resets in ${Math.ceil(usage.resetsInSeconds / 3600)} h)`}
					</dd>
				</div>
				<div>
					<dt>Buffered events</dt>
					<dd data-field="buffered">
						{usage.buffer.length} / {usage.buffer.capacity}
					</dd>
				</div>
				<div>
					<dt>Buffered size</dt>
					<dd data-field="buffered-bytes">
						{mebibytes(usage.buffer.bytes)} / {mebibytes(usage.buffer.maxBytes)}
					</dd>
				</div>
				<div>
					<dt>Oldest waiting</dt>
					<dd>
						{usage.buffer.oldestReceivedAt
							? `${age(usage.buffer.oldestReceivedAt)} (${dateTime(usage.buffer.oldestReceivedAt)})`
							: '—'}
					</dd>
				</div>
				<div>
					<dt>Dead letters</dt>
					<dd data-field="dead-letters">
						{usage.deadLetters}
						{usage.deadLetterMax > 0 && ` / ${usage.deadLetterMax}`}
					</dd>
				</div>
				<div>
					<dt>Subscribers</dt>
					<dd data-field="subscribers">
						{usage.subscribers.length === 0
							? 'none: nothing drains this buffer; it fills up to its capacity, then senders get 503 buffer_full'
							: usage.subscribers
									.map((s) => `${s.id} (${s.waiting} waiting, ${s.pending} in progress)`)
									.join(', ')}
					</dd>
				</div>
			</dl>
			<table class="reasons">
				<caption>Rejections and duplicates today, by reason</caption>
				<thead>
					<tr>
						<th scope="col">Status</th>
						<th scope="col">Reason</th>
						<th scope="col">Requests</th>
					</tr>
				</thead>
				<tbody>
					{reasonRows(today).map((r) => (
						<tr key={r.outcome} data-outcome={r.outcome} data-count={r.count}>
							<td>{r.status ?? '—'}</td>
							<th scope="row">{r.outcome}</th>
							<td>{r.count}</td>
						</tr>
					))}
				</tbody>
			</table>
		</section>
	);
}

export function EndpointDetail({ id }: { id: string }) {
	const { data, error, reload } = useLoaded(() => loadDetail(id), `endpoint:${id}`);
	const [secret, setSecret] = useState<{ title: string; value: string }>();

	if (!data) {
		return (
			<main>
				<p>
					<a href="#/">All endpoints</a>
				</p>
				{error ? (
					<p role="alert" class="error">
						{error}
					</p>
				) : (
					<p>Loading…</p>
				)}
			</main>
		);
	}
	const { endpoint, usage } = data;
	return (
		<main>
			<p>
				<a href="#/">All endpoints</a>
			</p>
			<div class="toolbar">
				<h1>{endpoint.name}</h1>
				<span class={endpoint.enabled ? 'badge ok' : 'badge off'}>
					{endpoint.enabled ? 'Enabled' : 'Disabled'}
				</span>
				<button type="button" onClick={() => void reload()}>
					Refresh
				</button>
			</div>
			<p class="muted">
				Id {endpoint.id} · account {endpoint.accountId} · plan {usage.plan.name} · methods{' '}
				{endpoint.methods.join(', ')} · created {dateTime(endpoint.createdAt)}
			</p>
			<p class="url">
				URL <code>{endpoint.url}</code> <CopyButton text={endpoint.url} label="Copy URL" />
			</p>
			{error && (
				<p role="alert" class="error">
					Refresh failed: {error}
				</p>
			)}
			{secret && (
				<SecretOnce
					title={secret.title}
					secret={secret.value}
					onDismiss={() => setSecret(undefined)}
				/>
			)}
			<Usage usage={usage} hours={data.hours} />
			<AccountToday account={data.account} current={endpoint.id} />
			<section aria-labelledby="chart-title">
				<h2 id="chart-title">Last 24 hours</h2>
				<Chart hours={data.hours} title="Requests per hour" />
			</section>
			<section aria-labelledby="history-title">
				<h2 id="history-title">Last 35 days</h2>
				<HistoryChart days={data.history} title="Requests per day" />
			</section>
			<TestEvent endpointId={endpoint.id} onSent={() => void reload()} />
			<LastEvents events={data.events} />
			<RequestLog endpointId={endpoint.id} />
			<DeadLetters
				endpointId={endpoint.id}
				letters={data.deadLetters}
				onReplayed={() => void reload()}
			/>
			<Subscribers
				endpointId={endpoint.id}
				data={data.subscribers}
				onChanged={() => void reload()}
			/>
			<EndpointSettings
				key={endpoint.id}
				endpoint={endpoint}
				plan={usage.plan}
				plans={data.plans}
				onChanged={() => void reload()}
				onSecret={(title, value) => setSecret({ title, value })}
			/>
		</main>
	);
}
