/**
 * Parameters of the Webhook Gateway Alert Trigger: a list of rules the user picks from, each with
 * its threshold and optional endpoint or account. n8n adds the poll interval ("Poll Times",
 * default every minute) itself, as for every polling trigger.
 */
import type { INodeProperties } from 'n8n-workflow';

const REJECTIONS_RULE_DESCRIPTION =
	'An endpoint answered more than R requests per minute with an error (403, 429, 413 ...)';

const show = (...rules: string[]) => ({ show: { rule: rules } });

export const alertTriggerProperties: INodeProperties[] = [
	{
		displayName:
			'Each rule fires one item when it starts to hold and one more ("state": "resolved") when it clears; nothing in between. Connect a Slack or Send Email node after this trigger.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Rules',
		name: 'rules',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Rule',
		default: { rule: [{ rule: 'deadLetters', threshold: 0 }] },
		options: [
			{
				displayName: 'Rule',
				name: 'rule',
				values: [
					{
						displayName: 'Alert On',
						name: 'rule',
						type: 'options',
						default: 'deadLetters',
						options: [
							{
								name: 'Buffer Above % of Capacity',
								value: 'bufferFill',
								description:
									'An endpoint buffer holds more than X % of its capacity (events or bytes)',
							},
							{
								name: 'Daily Usage Above % of Plan',
								value: 'dailyUsage',
								description:
									"An account accepted more than X % of its plan's daily limit today (UTC)",
							},
							{
								name: 'Dead Letters Above N',
								value: 'deadLetters',
								description: 'An endpoint has more than N dead letters',
							},
							{
								name: 'No Accepted Event for T Minutes',
								value: 'silence',
								description: 'An endpoint accepted nothing for T minutes',
							},
							{
								name: 'Redis Check Failing',
								value: 'redisCheck',
								description:
									'Redis version or settings put data at risk (the gateway reports not ready)',
							},
							{
								name: 'Rejected Requests Above R per Minute',
								value: 'rejections',
								description: REJECTIONS_RULE_DESCRIPTION,
							},
						],
					},
					{
						displayName: 'Dead Letters Above',
						name: 'threshold',
						type: 'number',
						default: 0,
						typeOptions: { minValue: 0 },
						description:
							'Alert when the endpoint holds more dead letters than this (0: any dead letter)',
						displayOptions: show('deadLetters'),
					},
					{
						displayName: 'Only Account ID',
						name: 'accountId',
						type: 'string',
						default: '',
						placeholder: 'e.g. default',
						description: 'Only this account; empty watches every account',
						displayOptions: show('dailyUsage'),
					},
					{
						displayName: 'Only Endpoint ID',
						name: 'endpointId',
						type: 'string',
						default: '',
						placeholder: 'e.g. github-main',
						description:
							'Only this endpoint; empty watches every endpoint (each one alerts on its own)',
						displayOptions: show('bufferFill', 'deadLetters', 'rejections', 'silence'),
					},
					{
						displayName: 'Percent Above',
						name: 'percent',
						type: 'number',
						default: 80,
						typeOptions: { minValue: 0, maxValue: 100 },
						displayOptions: show('bufferFill', 'dailyUsage'),
					},
					{
						displayName: 'Percent Of',
						name: 'measure',
						type: 'options',
						default: 'events',
						options: [
							{ name: 'Bytes Capacity', value: 'bytes' },
							{ name: 'Events Capacity', value: 'events' },
						],
						displayOptions: show('bufferFill'),
					},
					{
						displayName: 'Rejections per Minute Above',
						name: 'perMinute',
						type: 'number',
						default: 10,
						typeOptions: { minValue: 0 },
						description: 'Rejected requests per minute, measured between two polls',
						displayOptions: show('rejections'),
					},
					{
						displayName: 'Silent Minutes',
						name: 'minutes',
						type: 'number',
						default: 60,
						typeOptions: { minValue: 1 },
						description: 'Alert when the endpoint accepted no event for this many minutes',
						displayOptions: show('silence'),
					},
				],
			},
		],
	},
];
