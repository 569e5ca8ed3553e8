/** The Webhook Batch Trigger's parameters. */
import type { INodeProperties } from 'n8n-workflow';
import { endpointProperty } from '../shared/endpointLocator';
import { filtersProperty } from '../shared/filters';
import {
	includeRawBodyOption,
	maxAttemptsOption,
	startFromOption,
	unfinishedRunTimeoutOption,
} from '../shared/options';

const SCHEDULE_DESCRIPTION =
	'When the buffered events are released. Times are in the workflow’s time zone (workflow settings), else n8n’s default time zone.';
const SCHEDULE_HINT =
	'Events that arrive while the workflow is inactive or n8n is down stay buffered and go out with the next release after it is active again (within the subscriber retention, 7 days by default: see Options > Start From)';
const CRON_EXPRESSION_DESCRIPTION =
	'Five fields (minute hour day-of-month month day-of-week), or six with seconds first (e.g. "*/30 * * * * *" = every 30 seconds)';
const MAX_EVENTS_PER_EXECUTION_DESCRIPTION =
	'Largest batch. A bigger backlog is released as several executions, one after the other, in the same release.';
const RELEASE_EMPTY_BATCHES_DESCRIPTION =
	'Whether to start an execution even when no event is waiting (it gets one item {events: [], count: 0})';
const RELEASE_WHEN_WAITING_DESCRIPTION =
	'Also release as soon as this many events are waiting (checked every few seconds); 0 = only on the schedule';

const minuteModes = ['everyHour', 'everyNHours', 'everyDay'];

export const batchTriggerProperties: INodeProperties[] = [
	{
		displayName:
			'The gateway answers each webhook at once and buffers it in Redis. This trigger releases the buffered events on the schedule below, as one execution per batch; events are acknowledged only when that execution succeeds.',
		name: 'aboutNotice',
		type: 'notice',
		default: '',
	},
	endpointProperty,
	{
		displayName: 'Release Schedule',
		name: 'schedule',
		type: 'options',
		default: 'everyHour',
		options: [
			{
				name: 'Cron Expression',
				value: 'cron',
				description: 'A custom cron expression; 6 fields = with seconds',
			},
			{ name: 'Every Day At', value: 'everyDay', description: 'Once a day at a fixed time' },
			{ name: 'Every Hour', value: 'everyHour', description: 'Once an hour' },
			{
				name: 'Every N Hours',
				value: 'everyNHours',
				description: 'Every few hours, counted from midnight',
			},
			{
				name: 'Every N Minutes',
				value: 'everyNMinutes',
				description: 'Every few minutes, counted from the full hour',
			},
		],
		description: SCHEDULE_DESCRIPTION,
		hint: SCHEDULE_HINT,
	},
	{
		displayName: 'Minutes Between Releases',
		name: 'minutesInterval',
		type: 'number',
		default: 15,
		typeOptions: { minValue: 1, maxValue: 59 },
		displayOptions: { show: { schedule: ['everyNMinutes'] } },
		description: 'Release every this many minutes, counted from the full hour (like a cron "*/N")',
	},
	{
		displayName: 'Hours Between Releases',
		name: 'hoursInterval',
		type: 'number',
		default: 2,
		typeOptions: { minValue: 1, maxValue: 23 },
		displayOptions: { show: { schedule: ['everyNHours'] } },
		description: 'Release every this many hours, counted from midnight',
	},
	{
		displayName: 'Trigger at Hour',
		name: 'triggerAtHour',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0, maxValue: 23 },
		displayOptions: { show: { schedule: ['everyDay'] } },
		description: 'Hour of the day (0-23) of the daily release',
	},
	{
		displayName: 'Trigger at Minute',
		name: 'triggerAtMinute',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0, maxValue: 59 },
		displayOptions: { show: { schedule: minuteModes } },
		description: 'Minute of the hour (0-59) of each release',
	},
	{
		displayName: 'Cron Expression',
		name: 'cronExpression',
		type: 'string',
		default: '0 * * * *',
		required: true,
		placeholder: 'e.g. 0 9-17 * * 1-5',
		displayOptions: { show: { schedule: ['cron'] } },
		description: CRON_EXPRESSION_DESCRIPTION,
		hint: 'Evaluated in the workflow’s time zone',
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		default: 'perEvent',
		options: [
			{
				name: 'One Item Per Event',
				value: 'perEvent',
				description: 'Each event is its own item, oldest first',
			},
			{
				name: 'One Item With All Events',
				value: 'allInOne',
				description: 'A single item {events: [...], count}',
			},
		],
		description: 'How the events of a batch are handed to the workflow',
	},
	filtersProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			includeRawBodyOption,
			maxAttemptsOption,
			{
				displayName: 'Max Events Per Execution',
				name: 'maxEventsPerExecution',
				type: 'number',
				default: 1000,
				typeOptions: { minValue: 1, maxValue: 100000 },
				description: MAX_EVENTS_PER_EXECUTION_DESCRIPTION,
			},
			{
				displayName: 'Max Megabytes Per Execution',
				name: 'maxMegabytesPerExecution',
				type: 'number',
				default: 16,
				typeOptions: { minValue: 1, maxValue: 1024, numberPrecision: 0 },
				description:
					'Largest batch by size (bodies and headers of its events, in MiB). A bigger backlog is released as several executions; an execution always gets at least one event, however large. Keeps a backlog of large webhooks from running n8n out of memory.',
			},
			{
				displayName: 'Release Empty Batches',
				name: 'releaseEmptyBatches',
				type: 'boolean',
				default: false,
				description: RELEASE_EMPTY_BATCHES_DESCRIPTION,
			},
			{
				displayName: 'Release When N Events Are Waiting',
				name: 'releaseWhenWaiting',
				type: 'number',
				default: 0,
				typeOptions: { minValue: 0 },
				description: RELEASE_WHEN_WAITING_DESCRIPTION,
			},
			{
				displayName: 'Split Failed Batches',
				name: 'bisectFailedBatches',
				type: 'boolean',
				default: false,
				description:
					'Whether to run the two halves of a failed batch again at once (and so on), so that one bad event does not send the good ones of its batch to the dead-letter list. The good halves are acknowledged; when both halves fail, the cause is not one event and the batch counts one failed attempt. Costs at most about 2 × log2(batch size) extra executions per failure; your workflow must cope with a batch running again in parts.',
			},
			startFromOption,
			unfinishedRunTimeoutOption,
		],
	},
];
