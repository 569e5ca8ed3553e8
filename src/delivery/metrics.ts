/**
 * Delivery counters of the process that runs the triggers (n8n): releases, executions by outcome,
 * acknowledged, filtered-out, retried and dead-lettered events, subscriber gaps. One registry per
 * process (kept on globalThis so every copy of this module counts into the same one); the embedded
 * gateway appends it to its /metrics, next to the request and buffer metrics.
 */
import { Counter, Registry } from 'prom-client';

export type TriggerKind = 'batch' | 'raw';

export interface DeliveryMetrics {
	registry: Registry;
	/** A scheduled (or "N waiting") release that held the lease and started at least one execution. */
	release(endpoint: string): void;
	execution(endpoint: string, trigger: TriggerKind, ok: boolean): void;
	acknowledged(endpoint: string, trigger: TriggerKind, events: number): void;
	/** Events the trigger's filter left out: acknowledged without an execution. */
	filtered(endpoint: string, trigger: TriggerKind, events: number): void;
	/** Events of a failed execution that stay queued and will be delivered again. */
	retried(endpoint: string, trigger: TriggerKind, events: number): void;
	deadLettered(endpoint: string, trigger: TriggerKind, events: number): void;
	/** Events at Max Attempts kept pending (not dead-lettered, not delivered) because the dead letters are full. */
	deadLetterFull(endpoint: string, trigger: TriggerKind, events: number): void;
	/** Executions that did not settle within the Unfinished Run Timeout (counted as failed). */
	timedOut(endpoint: string, trigger: TriggerKind): void;
	/** A trigger came back after being dropped and events it never got had been removed. */
	subscriberGap(endpoint: string, trigger: TriggerKind): void;
}

function create(): DeliveryMetrics {
	const registry = new Registry();
	const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
		new Counter<L>({ name, help, labelNames, registers: [registry] });
	const releases = counter(
		'webhook_gateway_releases_total',
		'Batch releases that started at least one execution, by endpoint.',
		['endpoint'],
	);
	const executions = counter(
		'webhook_gateway_executions_total',
		'Workflow executions started with buffered events, by endpoint, trigger kind and outcome (success, failed).',
		['endpoint', 'trigger', 'outcome'],
	);
	const acked = counter(
		'webhook_gateway_acknowledged_events_total',
		'Events acknowledged after a successful execution.',
		['endpoint', 'trigger'],
	);
	const filtered = counter(
		'webhook_gateway_filtered_events_total',
		"Events a trigger's filter left out: acknowledged for that trigger without starting an execution.",
		['endpoint', 'trigger'],
	);
	const retried = counter(
		'webhook_gateway_retried_events_total',
		'Events of failed executions that will be delivered again.',
		['endpoint', 'trigger'],
	);
	const dead = counter(
		'webhook_gateway_dead_lettered_events_total',
		'Events moved to dead letters after the last failed attempt.',
		['endpoint', 'trigger'],
	);
	const full = counter(
		'webhook_gateway_dead_letter_full_events_total',
		"Events that reached Max Attempts while the endpoint's dead letters were at their cap: kept pending, neither dead-lettered nor delivered again.",
		['endpoint', 'trigger'],
	);
	const timedOut = counter(
		'webhook_gateway_execution_timeouts_total',
		'Executions n8n did not settle within the Unfinished Run Timeout; counted as failed.',
		['endpoint', 'trigger'],
	);
	const gaps = counter(
		'webhook_gateway_subscriber_gaps_total',
		'Triggers that came back after being dropped and had missed events (removed while they were away).',
		['endpoint', 'trigger'],
	);
	return {
		registry,
		release: (endpoint) => releases.inc({ endpoint }),
		execution: (endpoint, trigger, ok) =>
			executions.inc({ endpoint, trigger, outcome: ok ? 'success' : 'failed' }),
		acknowledged: (endpoint, trigger, n) => n > 0 && acked.inc({ endpoint, trigger }, n),
		filtered: (endpoint, trigger, n) => n > 0 && filtered.inc({ endpoint, trigger }, n),
		retried: (endpoint, trigger, n) => n > 0 && retried.inc({ endpoint, trigger }, n),
		deadLettered: (endpoint, trigger, n) => n > 0 && dead.inc({ endpoint, trigger }, n),
		deadLetterFull: (endpoint, trigger, n) => n > 0 && full.inc({ endpoint, trigger }, n),
		timedOut: (endpoint, trigger) => timedOut.inc({ endpoint, trigger }),
		subscriberGap: (endpoint, trigger) => gaps.inc({ endpoint, trigger }),
	};
}

const KEY = Symbol.for('n8n-nodes-webhook-gateway.delivery-metrics');

/** The process-wide delivery metrics. */
export function deliveryMetrics(): DeliveryMetrics {
	const holder = globalThis as Record<symbol, DeliveryMetrics | undefined>;
	return (holder[KEY] ??= create());
}
