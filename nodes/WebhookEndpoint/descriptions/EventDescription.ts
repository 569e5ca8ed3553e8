import type { INodeProperties } from 'n8n-workflow';
import { endpointLocator, showFor } from './common';

const R = 'event';

export const eventOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [R] } },
		default: 'peek',
		options: [
			{
				name: 'Delete Dead Letters',
				value: 'deleteDeadLetters',
				action: 'Delete dead letters',
				description: 'Drop events that failed too often, for good',
			},
			{
				name: 'Get Dead Letters',
				value: 'getDeadLetters',
				action: 'Get dead letters',
				description: 'Events whose workflow failed too often',
			},
			{
				name: 'Peek',
				value: 'peek',
				action: 'Peek at buffered events',
				description: 'The newest buffered events, without consuming anything',
			},
			{
				name: 'Replay Dead Letters',
				value: 'replayDeadLetters',
				action: 'Replay dead letters',
				description: 'Send dead letters back to the workflow that failed them',
			},
		],
	},
];

export const eventFields: INodeProperties[] = [
	endpointLocator(R, ['deleteDeadLetters', 'getDeadLetters', 'peek', 'replayDeadLetters']),
	{
		displayName: 'Count',
		name: 'count',
		type: 'number',
		default: 10,
		typeOptions: { minValue: 1, maxValue: 1000 },
		description: 'How many of the newest buffered events to return',
		displayOptions: showFor(R, ['peek']),
	},
	{
		displayName: 'Count',
		name: 'count',
		type: 'number',
		default: 100,
		typeOptions: { minValue: 1, maxValue: 10000 },
		description: 'How many dead letters to return, oldest first',
		displayOptions: showFor(R, ['getDeadLetters']),
	},
	{
		displayName: 'Dead Letters',
		name: 'scope',
		type: 'options',
		default: 'all',
		displayOptions: showFor(R, ['deleteDeadLetters', 'replayDeadLetters']),
		options: [
			{ name: 'All of the Endpoint', value: 'all' },
			{ name: 'Selected IDs', value: 'ids' },
		],
	},
	{
		displayName: 'Dead Letter IDs',
		name: 'ids',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 1718000000000-0, 1718000000001-0',
		description: 'Comma-separated IDs, as Get Dead Letters returns them',
		displayOptions: {
			show: {
				resource: [R],
				operation: ['deleteDeadLetters', 'replayDeadLetters'],
				scope: ['ids'],
			},
		},
	},
];
