/**
 * Events as n8n items: one item per event (the event's fields as JSON, optionally its exact bytes
 * as binary property `data`), or one item holding them all (`{ events, count }`, binary properties
 * `data_0`, `data_1`, ...).
 */
import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';
import type { WebhookEvent } from '../../src/types';

export type OutputMode = 'perEvent' | 'allInOne';

export interface ItemOptions {
	output: OutputMode;
	includeRawBody: boolean;
}

/** Stores bytes as n8n binary data (the trigger's `helpers.prepareBinaryData`). */
export type PrepareBinary = (
	data: Buffer,
	fileName: string,
	mimeType: string,
) => Promise<IBinaryData>;

const EXTENSIONS: Record<string, string> = {
	'application/json': 'json',
	'application/xml': 'xml',
	'text/xml': 'xml',
	'text/plain': 'txt',
	'text/html': 'html',
	'text/csv': 'csv',
	'application/x-www-form-urlencoded': 'txt',
	'application/pdf': 'pdf',
};

/** The media type without parameters, lower case; octet-stream when the request had none. */
export function mimeTypeOf(contentType: string): string {
	const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
	return type || 'application/octet-stream';
}

/** e.g. `webhook-1712345678901-0.json`. */
export function binaryFileName(event: Pick<WebhookEvent, 'id' | 'contentType'>): string {
	const mime = mimeTypeOf(event.contentType);
	const ext =
		EXTENSIONS[mime] ?? (mime.endsWith('+json') ? 'json' : mime.endsWith('+xml') ? 'xml' : 'bin');
	return `webhook-${event.id.replace(/[^A-Za-z0-9_-]/g, '-')}.${ext}`;
}

function eventJson(event: WebhookEvent): IDataObject {
	return { ...event } as unknown as IDataObject;
}

async function binaryOf(event: WebhookEvent, prepare: PrepareBinary): Promise<IBinaryData> {
	return await prepare(
		Buffer.from(event.rawBody, 'base64'),
		binaryFileName(event),
		mimeTypeOf(event.contentType),
	);
}

/**
 * The items of one execution. No events (an empty release) still gives one item,
 * `{ events: [], count: 0 }`, so that the workflow has something to run on.
 */
export async function itemsOf(
	events: WebhookEvent[],
	options: ItemOptions,
	prepare: PrepareBinary,
): Promise<INodeExecutionData[]> {
	if (options.output === 'allInOne' || events.length === 0) {
		const item: INodeExecutionData = {
			json: { events: events.map(eventJson), count: events.length },
		};
		if (options.includeRawBody && events.length > 0) {
			item.binary = {};
			for (const [i, event] of events.entries())
				item.binary[`data_${i}`] = await binaryOf(event, prepare);
		}
		return [item];
	}
	const items: INodeExecutionData[] = [];
	for (const event of events) {
		const item: INodeExecutionData = { json: eventJson(event) };
		if (options.includeRawBody) item.binary = { data: await binaryOf(event, prepare) };
		items.push(item);
	}
	return items;
}
