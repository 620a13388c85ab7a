/**
 * The demo's settings: embedded defaults, overridden by environment variables,
 * overridden by command-line flags. Parsing never exits the process; the
 * caller decides what to do with `help` and `errors`.
 */
import * as os from 'node:os';
import * as net from 'node:net';

export type DemoConfig = {
	/** IP the HTTP(S) server and the RTC sockets bind to. */
	listenIp: string;
	/** Address put in ICE candidates instead of listenIp (needed when listenIp is 0.0.0.0 or behind NAT). */
	announcedAddress?: string;
	/** HTTP(S) + WebSocket port (0: any free port). */
	port: number;
	rtcMinPort: number;
	rtcMaxPort: number;
	/** Number of media workers (rooms are spread over them round robin). */
	numWorkers: number;
	/** PEM certificate and key: serve HTTPS/WSS (browsers allow the camera only on https or localhost). */
	tlsCert?: string;
	tlsKey?: string;
	/** Directory with the bundled page (index.html, app.js). */
	publicDir?: string;
	/** broth worker log level. */
	workerLogLevel: 'debug' | 'warn' | 'error' | 'none';
	/** Limits that keep one client from harming others. */
	limits: DemoLimits;
};

export type DemoLimits = {
	/** Requests a connection may make per second, sustained. */
	requestsPerSecond: number;
	/** Burst above the sustained rate. */
	requestBurst: number;
	/** Largest WebSocket message accepted (bytes). */
	maxMessageBytes: number;
	maxPeersPerRoom: number;
	/** Rooms (routers) open at once: each costs worker memory. */
	maxRooms: number;
	/** WebSocket connections from one remote address at once. */
	maxConnectionsPerIp: number;
	maxTransportsPerPeer: number;
	maxProducersPerPeer: number;
	/** Time a client has to acknowledge a newConsumer request (ms). */
	consumerAckTimeoutMs: number;
};

export const defaultLimits: DemoLimits = {
	requestsPerSecond: 20,
	requestBurst: 50,
	maxMessageBytes: 64 * 1024,
	maxPeersPerRoom: 16,
	maxRooms: 100,
	maxConnectionsPerIp: 64,
	maxTransportsPerPeer: 4,
	maxProducersPerPeer: 4,
	consumerAckTimeoutMs: 10_000,
};

type Option = {
	flag: string;
	env: string;
	arg: string;
	help: string;
	apply: (config: DemoConfig, value: string) => string | undefined;
};

function parsePort(value: string, allowZero: boolean): number | undefined {
	if (!/^\d{1,5}$/.test(value)) return undefined;
	const n = Number(value);
	if (n > 65535 || (!allowZero && n === 0)) return undefined;
	return n;
}

const options: Option[] = [
	{
		flag: '--listen-ip', env: 'BROTH_LISTEN_IP', arg: 'IP',
		help: 'IP to listen on for HTTP(S), WebSocket and media (default 127.0.0.1; 0.0.0.0 for all)',
		apply: (c, v) => {
			if (net.isIP(v) === 0) return `not an IP address: ${v}`;
			c.listenIp = v;
		},
	},
	{
		flag: '--announced-address', env: 'BROTH_ANNOUNCED_ADDRESS', arg: 'ADDR',
		help: 'IP or host name announced in ICE candidates (public address; required with 0.0.0.0)',
		apply: (c, v) => {
			if (!/^[A-Za-z0-9.:-]{1,253}$/.test(v)) return `not an address: ${v}`;
			c.announcedAddress = v;
		},
	},
	{
		flag: '--port', env: 'BROTH_PORT', arg: 'N',
		help: 'HTTP(S) and WebSocket port (default 3000; 0 picks a free port)',
		apply: (c, v) => {
			const n = parsePort(v, true);
			if (n === undefined) return `not a port: ${v}`;
			c.port = n;
		},
	},
	{
		flag: '--rtc-min-port', env: 'BROTH_RTC_MIN_PORT', arg: 'N',
		help: 'lowest UDP/TCP port for media (default 40000)',
		apply: (c, v) => {
			const n = parsePort(v, false);
			if (n === undefined) return `not a port: ${v}`;
			c.rtcMinPort = n;
		},
	},
	{
		flag: '--rtc-max-port', env: 'BROTH_RTC_MAX_PORT', arg: 'N',
		help: 'highest UDP/TCP port for media (default 49999)',
		apply: (c, v) => {
			const n = parsePort(v, false);
			if (n === undefined) return `not a port: ${v}`;
			c.rtcMaxPort = n;
		},
	},
	{
		flag: '--workers', env: 'BROTH_WORKERS', arg: 'N',
		help: 'number of media worker processes (default: one per CPU core)',
		apply: (c, v) => {
			if (!/^\d{1,3}$/.test(v) || Number(v) < 1) return `not a worker count: ${v}`;
			c.numWorkers = Number(v);
		},
	},
	{
		flag: '--cert', env: 'BROTH_TLS_CERT', arg: 'FILE',
		help: 'PEM certificate: serve HTTPS/WSS (needed for cameras on other machines)',
		apply: (c, v) => { c.tlsCert = v; },
	},
	{
		flag: '--key', env: 'BROTH_TLS_KEY', arg: 'FILE',
		help: 'PEM private key for --cert',
		apply: (c, v) => { c.tlsKey = v; },
	},
	{
		flag: '--log-level', env: 'BROTH_LOG_LEVEL', arg: 'LEVEL',
		help: 'broth worker log level: debug, warn, error, none (default warn)',
		apply: (c, v) => {
			if (v !== 'debug' && v !== 'warn' && v !== 'error' && v !== 'none') return `not a log level: ${v}`;
			c.workerLogLevel = v;
		},
	},
];

export function defaultConfig(): DemoConfig {
	return {
		listenIp: '127.0.0.1',
		port: 3000,
		rtcMinPort: 40000,
		rtcMaxPort: 49999,
		numWorkers: Math.max(1, os.availableParallelism()),
		workerLogLevel: 'warn',
		limits: { ...defaultLimits },
	};
}

export function usage(): string {
	const lines = [
		'Usage: npm start -- [options]     (or: bash scripts/start.sh [options])',
		'',
		'Starts the broth video-conference demo: a web page and its room server.',
		'Each option can also be given by the environment variable shown.',
		'',
	];
	for (const o of options) {
		lines.push(`  ${`${o.flag} ${o.arg}`.padEnd(26)} ${o.env.padEnd(24)} ${o.help}`);
	}
	lines.push(`  ${'--help'.padEnd(26)} ${''.padEnd(24)} this text`);
	return lines.join('\n');
}

export type ParsedConfig = { config: DemoConfig; help: boolean; errors: string[] };

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): ParsedConfig {
	const config = defaultConfig();
	const errors: string[] = [];
	let help = false;

	for (const o of options) {
		const v = env[o.env];
		if (v !== undefined && v !== '') {
			const err = o.apply(config, v);
			if (err) errors.push(`${o.env}: ${err}`);
		}
	}

	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--help' || a === '-h') {
			help = true;
			continue;
		}
		const eq = a.indexOf('=');
		const name = eq > 0 ? a.slice(0, eq) : a;
		const o = options.find((x) => x.flag === name);
		if (!o) {
			errors.push(`unknown option: ${a}`);
			continue;
		}
		let value: string | undefined;
		if (eq > 0) value = a.slice(eq + 1);
		else value = argv[++i];
		if (value === undefined) {
			errors.push(`${o.flag} needs a value`);
			continue;
		}
		const err = o.apply(config, value);
		if (err) errors.push(`${o.flag}: ${err}`);
	}

	if (config.rtcMinPort > config.rtcMaxPort) errors.push('--rtc-min-port is above --rtc-max-port');
	if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) errors.push('--cert and --key go together');
	if ((config.listenIp === '0.0.0.0' || config.listenIp === '::') && !config.announcedAddress) {
		errors.push('listening on all interfaces needs --announced-address (the IP browsers can reach)');
	}

	return { config, help, errors };
}
