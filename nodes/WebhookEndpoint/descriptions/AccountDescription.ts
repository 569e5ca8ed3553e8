import type { INodeProperties } from 'n8n-workflow';
import { returnAllAndLimit, showFor } from './common';

const ACCOUNT_ID_DESCRIPTION =
	'The account named when endpoints were created (1-64 characters from A-Z, a-z, 0-9, ., - and _)';

const R = 'account';

export const accountOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [R] } },
		default: 'get',
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get an account',
				description: "An account's plan, today's usage and endpoints",
			},
			{ name: 'Get Many', value: 'getAll', action: 'Get many accounts' },
			{
				name: 'Set Plan',
				value: 'setPlan',
				action: 'Set the plan of an account',
				description: 'Creates the account when it does not exist yet',
			},
		],
	},
];

export const accountFields: INodeProperties[] = [
	{
		displayName: 'Account ID',
		name: 'accountId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. default',
		description: ACCOUNT_ID_DESCRIPTION,
		displayOptions: showFor(R, ['get', 'setPlan']),
	},
	{
		displayName: 'Plan Name or ID',
		name: 'planId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getPlans' },
		default: '',
		required: true,
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		displayOptions: showFor(R, ['setPlan']),
	},
	...returnAllAndLimit(R, 'getAll'),
];
