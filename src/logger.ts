/**
 * A minimal structured logger interface (JSON lines for the standalone gateway). Inside n8n the
 * nodes pass n8n's own logger, so src/ depends only on this interface.
 */
export interface Logger {
	debug(message: string, fields?: Record<string, unknown>): void;
	info(message: string, fields?: Record<string, unknown>): void;
	warn(message: string, fields?: Record<string, unknown>): void;
	error(message: string, fields?: Record<string, unknown>): void;
}

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

/** JSON lines on stderr, one object per message: {time, level, msg, ...fields}. */
export function jsonLogger(
	level: LogLevel = 'info',
	stream: NodeJS.WritableStream = process.stderr,
): Logger {
	const min = LEVELS[level];
	const write = (
		lvl: Exclude<LogLevel, 'silent'>,
		msg: string,
		fields?: Record<string, unknown>,
	) => {
		if (LEVELS[lvl] < min) return;
		stream.write(
			JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields }) + '\n',
		);
	};
	return {
		debug: (m, f) => write('debug', m, f),
		info: (m, f) => write('info', m, f),
		warn: (m, f) => write('warn', m, f),
		error: (m, f) => write('error', m, f),
	};
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
