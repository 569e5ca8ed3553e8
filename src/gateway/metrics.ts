/**
 * Prometheus metrics of a gateway process (prom-client, own registry). Buffer depth and oldest age
 * are read from Redis for every registered endpoint, at most once per sample interval: scrapes in
 * between reuse the last reading, so scraping often (or many scrapers) does not cost a registry
 * read each time.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { deliveryMetrics } from '../delivery/metrics';
import { STORE_ERROR_REASONS } from '../redis/storeErrors';

export interface BufferSample {
	endpoint: string;
	length: number;
	oldestAgeSeconds: number;
	deadLetters: number;
	/** Stored size of the buffered events, bytes (what the byte capacity counts). */
	bytes: number;
	/** Events waiting per subscriber (workflow:node). */
	subscribers: { id: string; waiting: number }[];
}

export class GatewayMetrics {
	readonly registry = new Registry();
	private readonly requests: Counter<'endpoint' | 'outcome'>;
	private readonly duration: Histogram<'outcome'>;
	private readonly storeErrors: Counter<'reason'>;
	private readonly redisSettings: Gauge<'setting'>;
	private readonly discards: Counter<'endpoint' | 'reason'>;
	private readonly authFailures: Counter<'surface'>;
	private clusterView: (() => Promise<string>) | undefined;

	/**
	 * @param deliveryText the delivery metrics to append (Prometheus text); by default this
	 *   process's registry. The gateway embedded in n8n runs on a worker thread and asks n8n's main
	 *   thread, where the triggers count.
	 * @param sampleMs how long a buffer reading is reused after it completed (ms); 0 = every scrape.
	 */
	constructor(
		sampleBuffers: () => Promise<BufferSample[]>,
		private readonly deliveryText: () => Promise<string> = () =>
			deliveryMetrics().registry.metrics(),
		sampleMs = 10_000,
	) {
		// No prefix: the standard process_* / nodejs_* names that stock dashboards and alerts expect.
		collectDefaultMetrics({ register: this.registry });
		this.requests = new Counter({
			name: 'webhook_gateway_requests_total',
			help: 'Ingest requests by endpoint and outcome (accepted, duplicate, or the error code).',
			labelNames: ['endpoint', 'outcome'],
			registers: [this.registry],
		});
		this.duration = new Histogram({
			name: 'webhook_gateway_request_duration_seconds',
			help: 'Ingest request latency, from the first byte of the request to the answer, by outcome.',
			labelNames: ['outcome'],
			buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
			registers: [this.registry],
		});
		this.storeErrors = new Counter({
			name: 'webhook_gateway_store_errors_total',
			help: 'Requests (ingest, admin API, console) that Redis failed, answered 503 store_unavailable, by reason (connection, timeout, oom, readonly, loading, masterdown, busy, noscript, misconf, cluster).',
			labelNames: ['reason'],
			registers: [this.registry],
		});
		this.redisSettings = new Gauge({
			name: 'webhook_gateway_redis_setting_ok',
			help: 'Redis version and settings as last checked (every minute): 1 fine, 0 at risk (maxmemory-policy not noeviction, AOF off, version too old), -1 could not check. Settings: version, maxmemory-policy, persistence.',
			labelNames: ['setting'],
			registers: [this.registry],
			// Across workers: the worst reading.
			aggregator: 'min',
		});
		// Every reason from 0, so that an alert on a rate sees the first failure.
		for (const reason of STORE_ERROR_REASONS) this.storeErrors.inc({ reason }, 0);
		this.discards = new Counter({
			name: 'webhook_gateway_events_discarded_total',
			help: 'Buffered events removed before every subscriber acknowledged them, by endpoint and reason (retention: older than WEBHOOK_GATEWAY_EVENT_RETENTION; endpoint_deleted).',
			labelNames: ['endpoint', 'reason'],
			registers: [this.registry],
		});
		this.authFailures = new Counter({
			name: 'webhook_gateway_auth_failures_total',
			help: 'Failed authentications with the admin token, a console sign-in or a metrics token, by surface (admin, console, metrics).',
			labelNames: ['surface'],
			registers: [this.registry],
		});
		// One reading shared by the buffer gauges of a scrape and by every scrape within sampleMs; a
		// failed reading (Redis down) is not kept.
		let pending: { value: Promise<BufferSample[]>; doneAt?: number } | undefined;
		const sample = () => {
			if (!pending || (pending.doneAt !== undefined && Date.now() - pending.doneAt >= sampleMs)) {
				const entry: { value: Promise<BufferSample[]>; doneAt?: number } = {
					value: sampleBuffers(),
				};
				entry.value.then(
					() => (entry.doneAt = Date.now()),
					() => {
						if (pending === entry) pending = undefined;
					},
				);
				pending = entry;
			}
			return pending.value;
		};
		const gauge = (name: string, help: string, pick: (s: BufferSample) => number) =>
			new Gauge({
				name,
				help,
				labelNames: ['endpoint'],
				registers: [this.registry],
				// Read from Redis: every worker of `serve --workers N` sees the same value.
				aggregator: 'first',
				async collect() {
					this.reset();
					for (const s of await sample().catch(() => []))
						this.set({ endpoint: s.endpoint }, pick(s));
				},
			});
		gauge(
			'webhook_gateway_buffer_events',
			'Events waiting in the endpoint buffer (not yet acknowledged by every subscriber).',
			(s) => s.length,
		);
		gauge(
			'webhook_gateway_buffer_oldest_age_seconds',
			'Age of the oldest buffered event of the endpoint (0 when empty).',
			(s) => s.oldestAgeSeconds,
		);
		gauge(
			'webhook_gateway_buffer_bytes',
			'Stored size of the events in the endpoint buffer, bytes (counted against its byte capacity).',
			(s) => s.bytes,
		);
		gauge(
			'webhook_gateway_endpoint_subscribers',
			'Subscribers (trigger nodes) of the endpoint; with 0, nothing drains the buffer and it fills up to its capacity.',
			(s) => s.subscribers.length,
		);
		gauge(
			'webhook_gateway_dead_letters',
			'Dead letters of the endpoint waiting to be inspected or replayed.',
			(s) => s.deadLetters,
		);
		new Gauge({
			name: 'webhook_gateway_subscriber_waiting_events',
			help: 'Events not yet acknowledged by a subscriber (one trigger node in one workflow).',
			labelNames: ['endpoint', 'subscriber'],
			registers: [this.registry],
			aggregator: 'first',
			async collect() {
				this.reset();
				for (const s of await sample().catch(() => []))
					for (const sub of s.subscribers)
						this.set({ endpoint: s.endpoint, subscriber: sub.id }, sub.waiting);
			},
		});
	}

	/** Records one ingest request. `endpoint` is '' for unknown endpoints (bounded label values). */
	observe(endpoint: string, outcome: string, seconds: number): void {
		this.requests.inc({ endpoint, outcome });
		this.duration.observe({ outcome }, seconds);
	}

	/** Counts one request that Redis failed (see src/redis/storeErrors.ts for the reasons). */
	storeError(reason: string): void {
		this.storeErrors.inc({ reason });
	}

	/** The last check of one Redis setting: 1 fine, 0 at risk, -1 could not check. */
	redisSetting(setting: string, value: 1 | 0 | -1): void {
		this.redisSettings.set({ setting }, value);
	}

	/** Counts events removed unacknowledged (age retention, endpoint deletion). */
	discarded(endpoint: string, reason: 'retention' | 'endpoint_deleted', events: number): void {
		if (events > 0) this.discards.inc({ endpoint, reason }, events);
	}

	/** Counts one failed authentication on `surface` (admin, console or metrics). */
	authFailure(surface: string): void {
		this.authFailures.inc({ surface });
	}

	/**
	 * In a `serve --workers N` worker: /metrics answers with the view across workers that `fetch`
	 * returns (cluster.ts) instead of this process's registries.
	 */
	useClusterView(fetch: () => Promise<string>): void {
		this.clusterView = fetch;
	}

	/** Request and buffer metrics, then the delivery metrics (triggers in n8n). */
	async text(): Promise<{ contentType: string; body: string }> {
		if (this.clusterView)
			return { contentType: this.registry.contentType, body: await this.clusterView() };
		return {
			contentType: this.registry.contentType,
			body: (await this.registry.metrics()) + '\n' + (await this.deliveryText()),
		};
	}
}
