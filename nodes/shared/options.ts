/**
 * Parameters both trigger nodes share (credential declaration, raw body, attempts, start point),
 * so that they read and describe them the same way.
 */
import type { INodeCredentialDescription, INodeProperties, ITriggerFunctions } from 'n8n-workflow';
import { CREDENTIAL_TEST_METHOD } from './credentialTest';
import { CREDENTIAL_TYPE } from './credentials';

export const credentialDeclaration: INodeCredentialDescription[] = [{ name: CREDENTIAL_TYPE, required: true, testedBy: CREDENTIAL_TEST_METHOD }];

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
		{ name: 'Events Already Buffered', value: 'oldest', description: 'Also receive the events the endpoint still holds from before this trigger first ran' },
		{ name: 'New Events', value: 'new', description: 'Receive the events accepted after this trigger was first activated' },
	],
	description: 'Where this trigger starts the first time it is activated. Later activations always continue where it stopped, so nothing sent in between is lost.',
};

export interface CommonOptions {
	includeRawBody: boolean;
	maxAttempts: number;
	startFrom: 'new' | 'oldest';
}

/** Reads the shared options from the node's "options" collection. */
export function readCommonOptions(ctx: ITriggerFunctions): CommonOptions {
	const options = ctx.getNodeParameter('options', {}) as { includeRawBody?: boolean; maxAttempts?: number; startFrom?: string };
	const maxAttempts = Math.floor(Number(options.maxAttempts ?? 3));
	return {
		includeRawBody: options.includeRawBody === true,
		maxAttempts: Number.isFinite(maxAttempts) && maxAttempts >= 1 ? maxAttempts : 3,
		startFrom: options.startFrom === 'oldest' ? 'oldest' : 'new',
	};
}
