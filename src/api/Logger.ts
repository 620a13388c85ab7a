import debug from 'debug';
import { EnhancedEventEmitter } from './enhancedEvents';

const APP_NAME = 'broth';

type LogEmitter = EnhancedEventEmitter<any>;

/**
 * Logs through `debug` namespaces (`broth:<prefix>`, `broth:WARN:<prefix>`,
 * `broth:ERROR:<prefix>`) and, when the application asked for it with
 * setLogEventListeners(), through its listeners too.
 */
export class Logger {
	static debugLogEmitter?: LogEmitter;
	static warnLogEmitter?: LogEmitter;
	static errorLogEmitter?: LogEmitter;

	readonly #debug: debug.Debugger;
	readonly #warn: debug.Debugger;
	readonly #error: debug.Debugger;

	static setEmitters(debugLogEmitter?: LogEmitter, warnLogEmitter?: LogEmitter, errorLogEmitter?: LogEmitter): void {
		Logger.debugLogEmitter = debugLogEmitter;
		Logger.warnLogEmitter = warnLogEmitter;
		Logger.errorLogEmitter = errorLogEmitter;
	}

	constructor(prefix?: string) {
		if (prefix) {
			this.#debug = debug(`${APP_NAME}:${prefix}`);
			this.#warn = debug(`${APP_NAME}:WARN:${prefix}`);
			this.#error = debug(`${APP_NAME}:ERROR:${prefix}`);
		} else {
			this.#debug = debug(APP_NAME);
			this.#warn = debug(`${APP_NAME}:WARN`);
			this.#error = debug(`${APP_NAME}:ERROR`);
		}

		this.#debug.log = console.info.bind(console);
		this.#warn.log = console.warn.bind(console);
		this.#error.log = console.error.bind(console);
	}

	get debugEnabled(): boolean {
		return this.#debug.enabled || Boolean(Logger.debugLogEmitter);
	}

	debug(log: string): void {
		this.#debug(log);
		Logger.debugLogEmitter?.safeEmit('debuglog', this.#debug.namespace, log);
	}

	warn(log: string): void {
		this.#warn(log);
		Logger.warnLogEmitter?.safeEmit('warnlog', this.#warn.namespace, log);
	}

	error(log: string, error?: Error): void {
		if (error) {
			this.#error(log, error);
		} else {
			this.#error(log);
		}
		Logger.errorLogEmitter?.safeEmit('errorlog', this.#error.namespace, log, error);
	}
}
