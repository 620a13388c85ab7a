/**
 * Structured logs: one JSON object per line on stdout
 * ({ time, level, msg, ...fields }), ready for any log shipper.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Logger = {
	debug(msg: string, fields?: Record<string, unknown>): void;
	info(msg: string, fields?: Record<string, unknown>): void;
	warn(msg: string, fields?: Record<string, unknown>): void;
	error(msg: string, fields?: Record<string, unknown>): void;
	child(fields: Record<string, unknown>): Logger;
};

export function createLogger(
	min: LogLevel = (process.env.BROTH_DEMO_LOG as LogLevel) in order ? (process.env.BROTH_DEMO_LOG as LogLevel) : 'info',
	base: Record<string, unknown> = {},
	write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
): Logger {
	const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
		if (order[level] < order[min]) return;
		const record: Record<string, unknown> = { time: new Date().toISOString(), level, msg, ...base, ...fields };
		for (const [k, v] of Object.entries(record)) {
			if (v instanceof Error) record[k] = { name: v.name, message: v.message };
		}
		write(JSON.stringify(record));
	};
	return {
		debug: (m, f) => emit('debug', m, f),
		info: (m, f) => emit('info', m, f),
		warn: (m, f) => emit('warn', m, f),
		error: (m, f) => emit('error', m, f),
		child: (fields) => createLogger(min, { ...base, ...fields }, write),
	};
}
