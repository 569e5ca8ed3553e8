import type { INodeProperties } from 'n8n-workflow';
import { endpointLocator, returnAllAndLimit, showFor } from './common';
import { authenticationFields, optionalEndpointFields, type Display } from './endpointSettings';

const ACCOUNT_ID_DESCRIPTION =
	'The account that owns the endpoint; its plan limits requests across all its endpoints. Cannot change later.';
const GRACE_SECONDS_DESCRIPTION =
	'How long the previous secret keeps working, so senders can switch without failures. 0 ends it at once.';
const NEW_SECRET_DESCRIPTION =
	'Use this secret instead of a generated one (8-512 characters), e.g. a new Stripe signing secret';

const R = 'endpoint';

export const endpointOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [R] } },
		default: 'create',
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create an endpoint',
				description: 'Register a new webhook URL',
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete an endpoint',
				description: 'Delete an endpoint and everything buffered for it',
			},
			{ name: 'Get', value: 'get', action: 'Get an endpoint' },
			{ name: 'Get Many', value: 'getAll', action: 'Get many endpoints' },
			{
				name: 'Get Usage',
				value: 'getUsage',
				action: 'Get the usage of an endpoint',
				description: "Today's accepted requests, limits, buffer and subscribers",
			},
			{
				name: 'Rotate Secret',
				value: 'rotateSecret',
				action: 'Rotate the secret of an endpoint',
				description: 'Issue a new secret; the old one keeps working for a grace period',
			},
			{ name: 'Update', value: 'update', action: 'Update an endpoint' },
		],
	},
];

const createDisplay: Display = (extra) => ({
	show: { resource: [R], operation: ['create'], ...extra },
});
/** Inside a collection a condition names sibling fields; none means "always shown". */
const collectionDisplay: Display = (extra) => (extra ? { show: extra } : undefined);

/** Collection entries sorted by name (as n8n lists them), without empty display conditions. */
function collectionOptions(fields: INodeProperties[]): INodeProperties[] {
	return fields
		.map(({ displayOptions, ...field }) => (displayOptions ? { ...field, displayOptions } : field))
		.sort((a, b) => a.displayName.localeCompare(b.displayName));
}

const secretNotice = (operation: string): INodeProperties => ({
	displayName:
		'The endpoint secret is shown this once and never again. n8n keeps the output of every execution, so the secret is in the output only with "Include Secret In Output" on; otherwise the output shows its last 4 characters. Without it, set your own secret, or read a new one from the console or the CLI (webhook-gateway endpoints rotate-secret).',
	name: `${operation}SecretNotice`,
	type: 'notice',
	default: '',
	displayOptions: showFor(R, [operation]),
});

const includeSecretDescription =
	"Whether to put the new secret itself in the output. n8n stores each execution's output, so everyone who can open this workflow's executions can read it.";
const secretOperations = ['create', 'rotateSecret', 'update'];

/**
 * Whether the secret goes into the output. Version 1 always put it there, so it keeps that
 * default; from 1.1 it is off (executions, and so their readers, keep the output).
 */
const includeSecretFields: INodeProperties[] = [
	{
		displayName: 'Include Secret In Output',
		name: 'includeSecret',
		type: 'boolean',
		default: true,
		description: includeSecretDescription,
		displayOptions: { show: { resource: [R], operation: secretOperations, '@version': [1] } },
	},
	{
		displayName: 'Include Secret In Output',
		name: 'includeSecret',
		type: 'boolean',
		default: false,
		description: includeSecretDescription,
		displayOptions: { show: { resource: [R], operation: secretOperations, '@version': [1.1] } },
	},
];

export const endpointFields: INodeProperties[] = [
	...includeSecretFields,
	// ---- create ----
	secretNotice('create'),
	{
		displayName: 'Endpoint ID',
		name: 'endpointId',
		type: 'string',
		default: '',
		placeholder: 'e.g. github-orders',
		description:
			'Part of the URL (/hooks/&lt;ID&gt;). Leave empty for a random, unguessable ID. A chosen ID has 3-64 characters from a-z, 0-9, - and _.',
		displayOptions: showFor(R, ['create']),
	},
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		placeholder: 'e.g. GitHub orders repository',
		description: 'Shown in the endpoint list of the trigger nodes; defaults to the ID',
		displayOptions: showFor(R, ['create']),
	},
	{
		displayName: 'Account',
		name: 'accountId',
		type: 'string',
		default: 'default',
		description: ACCOUNT_ID_DESCRIPTION,
		displayOptions: showFor(R, ['create']),
	},
	...authenticationFields(createDisplay, true),
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: showFor(R, ['create']),
		options: collectionOptions(optionalEndpointFields(collectionDisplay)),
	},

	// ---- get, delete, getUsage, rotateSecret, update ----
	endpointLocator(R, ['delete', 'get', 'getUsage', 'rotateSecret', 'update']),
	{
		displayName: 'Force',
		name: 'force',
		type: 'boolean',
		default: false,
		description:
			'Whether to delete the endpoint even though triggers read it. Without it the node fails and names their workflows. Forced, those triggers stop with an error their workflows show (and their error workflows run); their buffered events are gone.',
		displayOptions: showFor(R, ['delete']),
	},

	// ---- getAll ----
	...returnAllAndLimit(R, 'getAll'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: showFor(R, ['getAll']),
		options: [
			{
				displayName: 'Account',
				name: 'accountId',
				type: 'string',
				default: '',
				description: 'Only endpoints of this account',
			},
			{
				displayName: 'Search',
				name: 'search',
				type: 'string',
				default: '',
				description: 'Only endpoints whose ID or name contains this text',
			},
		],
	},

	// ---- rotateSecret ----
	secretNotice('rotateSecret'),
	{
		displayName: 'Grace Period (Seconds)',
		name: 'graceSeconds',
		type: 'number',
		default: 86400,
		typeOptions: { minValue: 0, maxValue: 2592000 },
		description: GRACE_SECONDS_DESCRIPTION,
		displayOptions: showFor(R, ['rotateSecret']),
	},
	{
		displayName: 'Options',
		name: 'rotateOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showFor(R, ['rotateSecret']),
		options: [
			{
				displayName: 'New Secret',
				name: 'secret',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description: NEW_SECRET_DESCRIPTION,
			},
		],
	},

	// ---- update ----
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: showFor(R, ['update']),
		options: collectionOptions([
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
			...authenticationFields(collectionDisplay, false),
			...optionalEndpointFields(collectionDisplay),
		]),
	},
];
