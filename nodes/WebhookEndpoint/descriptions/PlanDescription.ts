import type { INodeProperties } from 'n8n-workflow';
import { returnAllAndLimit, showFor } from './common';

const PLAN_ID_DESCRIPTION =
	'Built-in plans: free-trial, forever-free, advanced, business, unlimited (these cannot be changed or deleted)';

const R = 'plan';

export const planOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [R] } },
		default: 'getAll',
		options: [
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a plan',
				description: 'Delete a custom plan no account uses',
			},
			{ name: 'Get', value: 'get', action: 'Get a plan' },
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many plans',
				description: 'The built-in plans and the custom ones',
			},
			{
				name: 'Create or Update',
				value: 'upsert',
				action: 'Create or update a plan',
				description: 'Create a new record, or update the current one if it already exists (upsert)',
			},
		],
	},
];

const limitField = (
	displayName: string,
	name: string,
	description: string,
	placeholder: string,
): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: '',
	placeholder,
	description: `${description} Empty for no limit`,
	displayOptions: showFor(R, ['upsert']),
});

export const planFields: INodeProperties[] = [
	{
		displayName: 'Plan ID',
		name: 'planId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. pro',
		description: PLAN_ID_DESCRIPTION,
		displayOptions: showFor(R, ['delete', 'get', 'upsert']),
	},
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		placeholder: 'e.g. Pro',
		description: 'Defaults to the ID',
		displayOptions: showFor(R, ['upsert']),
	},
	limitField(
		'Rate (Requests per Second)',
		'rate',
		'Sustained requests per second, may be fractional (0.5 = one every 2 s).',
		'e.g. 10',
	),
	limitField(
		'Burst',
		'burst',
		'Requests that may arrive at one instant. Defaults to the rate rounded up.',
		'e.g. 20',
	),
	limitField(
		'Daily Limit',
		'daily',
		'Accepted requests per UTC day, across all endpoints of an account.',
		'e.g. 10000',
	),
	...returnAllAndLimit(R, 'getAll'),
];
