import { LOG_LEVELS, LOG_TAGS, type WorkerLogTag } from './logger';

export type WorkerProcessSettings = {
	logLevel: (typeof LOG_LEVELS)[number];
	logTags: WorkerLogTag[];
	rtcMinPort: number;
	rtcMaxPort: number;
	dtlsCertificateFile?: string;
	dtlsPrivateKeyFile?: string;
	libwebrtcFieldTrials?: string;
	disableLiburing: boolean;
};

/**
 * Parses the worker's command line (`--name=value`, as mediasoup's worker takes
 * it) and validates it. Throws TypeError with the reason on wrong settings.
 */
export function parseSettings(argv: string[]): WorkerProcessSettings {
	const settings: WorkerProcessSettings = {
		logLevel: 'error',
		logTags: [],
		rtcMinPort: 10000,
		rtcMaxPort: 59999,
		disableLiburing: false,
	};

	for (const arg of argv) {
		const match = /^--([A-Za-z]+)=(.*)$/s.exec(arg);

		if (!match) {
			throw new TypeError(`unknown command line argument "${arg}"`);
		}

		const [, name, value] = match;

		switch (name) {
			case 'logLevel':
				settings.logLevel = parseLogLevel(value);
				break;
			case 'logTag':
				// Unknown tags are ignored, as mediasoup's worker does.
				if ((LOG_TAGS as readonly string[]).includes(value)) {
					settings.logTags.push(value as WorkerLogTag);
				}
				break;
			case 'rtcMinPort':
				settings.rtcMinPort = parsePort('rtcMinPort', value);
				break;
			case 'rtcMaxPort':
				settings.rtcMaxPort = parsePort('rtcMaxPort', value);
				break;
			case 'dtlsCertificateFile':
				settings.dtlsCertificateFile = value;
				break;
			case 'dtlsPrivateKeyFile':
				settings.dtlsPrivateKeyFile = value;
				break;
			case 'libwebrtcFieldTrials':
				settings.libwebrtcFieldTrials = value;
				break;
			case 'disableLiburing':
				settings.disableLiburing = value === 'true';
				break;
			default:
				throw new TypeError(`unknown setting "${name}"`);
		}
	}

	if (settings.rtcMinPort > settings.rtcMaxPort) {
		throw new TypeError('"rtcMaxPort" cannot be less than "rtcMinPort"');
	}
	if (Boolean(settings.dtlsCertificateFile) !== Boolean(settings.dtlsPrivateKeyFile)) {
		throw new TypeError('"dtlsCertificateFile" and "dtlsPrivateKeyFile" must be given together');
	}

	return settings;
}

export function parseLogLevel(value: unknown): WorkerProcessSettings['logLevel'] {
	if (typeof value !== 'string' || !(LOG_LEVELS as readonly string[]).includes(value)) {
		throw new TypeError(`invalid logLevel "${String(value)}"`);
	}

	return value as WorkerProcessSettings['logLevel'];
}

export function parseLogTags(value: unknown): WorkerLogTag[] {
	if (value === undefined) {
		return [];
	}
	if (!Array.isArray(value)) {
		throw new TypeError('logTags must be an array');
	}

	return value.filter((tag): tag is WorkerLogTag => (LOG_TAGS as readonly string[]).includes(tag));
}

function parsePort(name: string, value: string): number {
	if (!/^\d+$/.test(value)) {
		throw new TypeError(`invalid ${name} "${value}"`);
	}
	const port = Number(value);

	if (port < 1 || port > 65535) {
		throw new TypeError(`${name} must be between 1 and 65535, got ${port}`);
	}

	return port;
}
