/**
 * What the screenshot script shows and writes: the pictures (their names are the PNG file names),
 * the viewport, and the sample data (endpoints, pushes). No side effects, so that
 * test/e2e/screenshots.test.ts imports the list of pictures from here.
 */
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const PREFIX = 'shots:';
export const VIEWPORT = { width: 1440, height: 900 };
export const WAIT_MS = Number(process.env.SCREENSHOTS_TIMEOUT_MS ?? 30_000);
export const CREDENTIAL_NAME = 'Webhook Gateway';
export const TRIGGER = 'Webhook Batch Trigger';
export const SAMPLE_PUSHES = 5;
/** The pictures, in the order they are taken (`<name>.png`). */
export const SCREENSHOT_NAMES = [
	'canvas',
	'endpoint-dropdown',
	'trigger-panel',
	'execution-batch',
	'console',
] as const;
export type ScreenshotName = (typeof SCREENSHOT_NAMES)[number];

export const log = (message: string) => console.log(`[screenshots] ${message}`);

/** The endpoints the screenshots show (the GitHub one receives the sample pushes). */
export const ENDPOINTS = [
	{
		id: 'github-pushes',
		name: 'GitHub pushes',
		preset: 'github',
		description: 'Push events of the acme GitHub organisation',
	},
	{
		id: 'stripe-payments',
		name: 'Stripe payments',
		preset: 'stripe',
		description: 'payment_intent.* and charge.* events',
	},
	{
		id: 'slack-commands',
		name: 'Slack /deploy command',
		preset: 'slack',
		description: 'Slash command of the ops Slack app',
	},
] as const;

export const REPOS = ['acme/api', 'acme/web', 'acme/api', 'acme/docs', 'acme/api'];
export const AUTHORS = ['ada', 'linus', 'grace', 'ada', 'margaret'];
