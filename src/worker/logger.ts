import type { LogLevel } from '../channel/messages';

export type WorkerLogTag =
	| 'info' | 'ice' | 'dtls' | 'rtp' | 'srtp' | 'rtcp' | 'rtx' | 'bwe' | 'score' | 'simulcast' | 'svc' | 'sctp' | 'message';

export const LOG_LEVELS = ['debug', 'warn', 'error', 'none'] as const;
export const LOG_TAGS: readonly WorkerLogTag[] = [
	'info', 'ice', 'dtls', 'rtp', 'srtp', 'rtcp', 'rtx', 'bwe', 'score', 'simulcast', 'svc', 'sctp', 'message',
];

type Sink = (level: LogLevel, source: string, msg: string) => void;

const RANK: Record<string, number> = { debug: 0, warn: 1, error: 2, none: 3 };

/**
 * Worker-side logging, filtered as mediasoup's worker filters: by level, and
 * for debug logs about a subsystem, by tag (the tag must be enabled).
 */
export class WorkerLogger {
	static level: (typeof LOG_LEVELS)[number] = 'error';
	static tags = new Set<WorkerLogTag>();
	static sink: Sink = () => {};

	constructor(private readonly source: string) {}

	static configure(level: (typeof LOG_LEVELS)[number], tags: Iterable<WorkerLogTag>): void {
		WorkerLogger.level = level;
		WorkerLogger.tags = new Set(tags);
	}

	static enabled(level: LogLevel, tag?: WorkerLogTag): boolean {
		if (RANK[level] < RANK[WorkerLogger.level]) {
			return false;
		}
		if (tag && level === 'debug' && !WorkerLogger.tags.has(tag)) {
			return false;
		}

		return true;
	}

	debug(msg: string, tag?: WorkerLogTag): void {
		if (WorkerLogger.enabled('debug', tag)) {
			WorkerLogger.sink('debug', this.source, tag ? `[${tag}] ${msg}` : msg);
		}
	}

	warn(msg: string, tag?: WorkerLogTag): void {
		if (WorkerLogger.enabled('warn', tag)) {
			WorkerLogger.sink('warn', this.source, tag ? `[${tag}] ${msg}` : msg);
		}
	}

	error(msg: string): void {
		if (WorkerLogger.enabled('error')) {
			WorkerLogger.sink('error', this.source, msg);
		}
	}
}
