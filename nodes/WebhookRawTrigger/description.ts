/** The Webhook Raw Trigger's parameters. */
import type { INodeProperties } from 'n8n-workflow';
import { endpointProperty } from '../shared/endpointLocator';
import { filtersProperty } from '../shared/filters';
import {
	includeRawBodyOption,
	maxAttemptsOption,
	startFromOption,
	unfinishedRunTimeoutOption,
} from '../shared/options';

export const rawTriggerProperties: INodeProperties[] = [
	{
		displayName:
			'Starts one execution per webhook as soon as the gateway has accepted it (well under a second). Each event is acknowledged only when its execution succeeds; a failed one is retried after a short back-off.',
		name: 'aboutNotice',
		type: 'notice',
		default: '',
	},
	endpointProperty,
	filtersProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			includeRawBodyOption,
			{
				displayName: 'Max Concurrent Executions',
				name: 'maxConcurrency',
				type: 'number',
				default: 5,
				typeOptions: { minValue: 1, maxValue: 1000 },
				description:
					'How many executions of this trigger may run at once; further events wait in the buffer',
			},
			maxAttemptsOption,
			startFromOption,
			unfinishedRunTimeoutOption,
		],
	},
];
