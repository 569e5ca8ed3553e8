/**
 * Parameters both trigger nodes share (credential declaration, raw body, attempts, start point,
 * unfinished-run timeout), so that they read and describe them the same way.
 */
import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';
import { DEFAULT_RECLAIM_MINUTES, reclaimAfterMs } from '../../src/delivery/reclaim';
import { CREDENTIAL_TEST_METHOD } from './credentialTest';
import { CREDENTIAL_TYPE } from './credentials';
import type { ParameterReader } from './parameters';

const START_FROM_OLDEST_DESCRIPTION =
	'Also receive the events the endpoint still holds from before this trigger first ran';

export const credentialDeclaration: INodeCredentialDescription[] = [
	{ name: CREDENTIAL_TYPE, required: true, testedBy: CREDENTIAL_TEST_METHOD },
];

export const includeRawBodyOption: INodeProperties = {
	displayName: 'Include Raw Body As Binary',
	name: 'includeRawBody',
	type: 'boolean',
	default: false,
	description:
		'Whether to add the exact bytes of each request as binary data (property "data", or "data_0", "data_1", … when all events are in one item; MIME type from the Content-Type header), e.g. to verify a signature or archive the file. The JSON always holds them base64-encoded in "rawBody".',
};

export const maxAttemptsOption: INodeProperties = {
	displayName: 'Max Attempts',
	name: 'maxAttempts',
	type: 'number',
	default: 3,
	typeOptions: { minValue: 1, maxValue: 100 },
	description:
		'How many failed executions an event may have before it moves to the dead-letter list, where the Webhook Endpoint node (Events > Dead Letters) can inspect and replay it',
};

export const startFromOption: INodeProperties = {
	displayName: 'Start From',
	name: 'startFrom',
	type: 'options',
	default: 'new',
	options: [
		{
			name: 'Events Already Buffered',
			value: 'oldest',
			description: START_FROM_OLDEST_DESCRIPTION,
		},
		{
			name: 'New Events',
			value: 'new',
			description: 'Receive the events accepted after this trigger was first activated',
		},
	],
	description:
		'Where this trigger starts the first time it is activated. Later activations continue where it stopped, so nothing sent while the workflow was inactive is lost, provided it comes back within the gateway’s subscriber retention (WEBHOOK_GATEWAY_SUBSCRIBER_RETENTION, default 7 days). A trigger inactive for longer is dropped so that its backlog can be trimmed; when it comes back it resumes after the last event it received, from what the gateway still holds. If events were removed meanwhile, the n8n log shows a warning and each item of its next execution carries a "gap" field (droppedAt, missedEvents, missedFrom, missedUntil, message).',
};

export const unfinishedRunTimeoutOption: INodeProperties = {
	displayName: 'Unfinished Run Timeout (Minutes)',
	name: 'unfinishedRunTimeout',
	type: 'number',
	default: DEFAULT_RECLAIM_MINUTES,
	typeOptions: { minValue: 1 },
	description:
		'Longest an execution of this trigger may take. A run n8n has not finished after this long counts as failed (its events are released again, and count towards Max Attempts), so a run that never ends cannot stall the trigger. Queue mode (EXECUTIONS_MODE=queue): if the n8n main stops abruptly while a worker still runs an execution, its events are released again once they have gone this long without the main that released them. Set it above your longest run. In regular mode a run stops with n8n, so its events come back right after a restart.',
};

export interface CommonOptions {
	includeRawBody: boolean;
	maxAttempts: number;
	startFrom: 'new' | 'oldest';
	/** ms before unacknowledged events are released again (0 in regular mode; src/delivery/reclaim.ts). */
	reclaimAfterMs: number;
	/** ms a run may take before it counts as failed (the Unfinished Run Timeout, in every mode). */
	runTimeoutMs: number;
}

/**
 * Reads the shared options from the node's "options" collection.
 * @throws NodeOperationError naming the option when a value cannot work
 */
export function readCommonOptions(parameters: ParameterReader): CommonOptions {
	const timeoutMinutes = parameters.number('options.unfinishedRunTimeout', 'keep');
	return {
		includeRawBody: parameters.boolean('options.includeRawBody'),
		maxAttempts: parameters.number('options.maxAttempts'),
		startFrom: parameters.option<'new' | 'oldest'>('options.startFrom'),
		reclaimAfterMs: reclaimAfterMs(timeoutMinutes),
		runTimeoutMs: Math.round(timeoutMinutes * 60_000),
	};
}

/** Log fields saying how unfinished runs are handled (queue mode only). */
export function reclaimLogFields(options: CommonOptions): Record<string, number> {
	return options.reclaimAfterMs > 0
		? { unfinishedRunTimeoutMinutes: options.reclaimAfterMs / 60_000 }
		: {};
}
