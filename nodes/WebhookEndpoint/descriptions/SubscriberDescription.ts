import type { INodeProperties } from 'n8n-workflow';
import { endpointLocator, showFor } from './common';

const INCLUDE_DROPPED_DESCRIPTION =
	'Whether to also return subscribers dropped (inactive longer than the retention) or removed whose workflow has not come back, with "dropped": true';
const SUBSCRIBER_ID_DESCRIPTION =
	'Workflow ID and trigger node ID joined by a colon, as Get Many returns it in the "ID" field';
const REWIND_EVENT_ID_DESCRIPTION =
	'The ID of a buffered event (Event > Peek shows it); it must still be held by the endpoint';
const REWIND_TIME_DESCRIPTION =
	'Events received from this time on are delivered again; it may not be older than the oldest event the endpoint still holds';
const GET_MANY_SUBSCRIBERS_DESCRIPTION =
	'The triggers reading an endpoint, with their lag (events waiting), pending events, last seen time and workflow';
const REMOVE_SUBSCRIBER_DESCRIPTION =
	'Forget a trigger’s place so its backlog can be trimmed; an active workflow rejoins and is told what it missed';

const R = 'subscriber';

export const subscriberOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [R] } },
		default: 'getAll',
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get the subscribers of an endpoint',
				description: GET_MANY_SUBSCRIBERS_DESCRIPTION,
			},
			{
				name: 'Remove',
				value: 'remove',
				action: 'Remove a subscriber',
				description: REMOVE_SUBSCRIBER_DESCRIPTION,
			},
			{
				name: 'Rewind',
				value: 'rewind',
				action: 'Rewind a subscriber',
				description: 'Deliver again from an event ID or a time the endpoint still holds',
			},
		],
	},
];

export const subscriberFields: INodeProperties[] = [
	endpointLocator(R, ['getAll', 'remove', 'rewind']),
	{
		displayName: 'Include Dropped',
		name: 'includeDropped',
		type: 'boolean',
		default: false,
		description: INCLUDE_DROPPED_DESCRIPTION,
		displayOptions: showFor(R, ['getAll']),
	},
	{
		displayName: 'Subscriber ID',
		name: 'subscriberId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 3bT9xk2QW1:6f1c2d3e-…',
		description: SUBSCRIBER_ID_DESCRIPTION,
		displayOptions: showFor(R, ['remove', 'rewind']),
	},
	{
		displayName: 'Rewind To',
		name: 'rewindTo',
		type: 'options',
		default: 'time',
		displayOptions: showFor(R, ['rewind']),
		options: [
			{ name: 'Event ID', value: 'eventId', description: 'Start with this event' },
			{
				name: 'Time',
				value: 'time',
				description: 'Start with the first event received at or after this time',
			},
		],
	},
	{
		displayName: 'Event ID',
		name: 'eventId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 1718000000000-0',
		description: REWIND_EVENT_ID_DESCRIPTION,
		displayOptions: { show: { resource: [R], operation: ['rewind'], rewindTo: ['eventId'] } },
	},
	{
		displayName: 'Time',
		name: 'time',
		type: 'dateTime',
		default: '',
		required: true,
		description: REWIND_TIME_DESCRIPTION,
		displayOptions: { show: { resource: [R], operation: ['rewind'], rewindTo: ['time'] } },
	},
];
