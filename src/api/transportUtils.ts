import * as net from 'node:net';
import { isPlainObject } from './utils';
import type { TransportListenInfo, TransportListenIp } from './TransportTypes';
import type { DtlsParameters } from './WebRtcTransportTypes';
import type { SrtpCryptoSuite, SrtpParameters } from '../ortc/srtpParametersTypes';
import type { NumSctpStreams } from '../ortc/sctpParametersTypes';

/**
 * A listen info as it travels to the worker: every field present, defaults
 * filled in (port 0 and portRange 0-0 mean "pick one from the worker's range").
 * @private
 */
export type WireListenInfo = {
	protocol: 'udp' | 'tcp';
	ip: string;
	announcedAddress?: string;
	exposeInternalIp: boolean;
	port: number;
	portRange: { min: number; max: number };
	flags: { ipv6Only: boolean; udpReusePort: boolean };
	sendBufferSize: number;
	recvBufferSize: number;
};

/** Master key + salt length (bytes) of each SRTP crypto suite (RFC 3711, RFC 7714). */
export const SRTP_MASTER_LENGTHS: Readonly<Record<SrtpCryptoSuite, number>> = {
	AEAD_AES_256_GCM: 44,
	AEAD_AES_128_GCM: 28,
	AES_CM_128_HMAC_SHA1_80: 30,
	AES_CM_128_HMAC_SHA1_32: 30,
};

const FINGERPRINT_ALGORITHMS = ['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512'];
const DTLS_ROLES = ['auto', 'client', 'server'];

export function isPort(value: unknown, allowZero: boolean): value is number {
	return (
		typeof value === 'number' &&
		Number.isInteger(value) &&
		value >= (allowZero ? 0 : 1) &&
		value <= 65535
	);
}

function isNonNegativeInteger(value: unknown): value is number {
	return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** Throws TypeError unless `ip` is a literal IPv4 or IPv6 address. */
export function checkIp(ip: unknown, what = 'ip'): asserts ip is string {
	if (typeof ip !== 'string' || !ip) {
		throw new TypeError(`missing or invalid ${what}`);
	}
	if (net.isIP(ip) === 0) {
		throw new TypeError(`invalid ${what} '${ip}' (not an IPv4 or IPv6 address)`);
	}
}

/**
 * Validates a TransportListenInfo and turns it into what the worker expects.
 * Throws TypeError on anything wrong, before anything is sent.
 */
export function listenInfoToWire(listenInfo: TransportListenInfo): WireListenInfo {
	if (!isPlainObject(listenInfo)) {
		throw new TypeError('wrong listenInfo (not an object)');
	}

	const { protocol, ip, exposeInternalIp, port, portRange, flags, sendBufferSize, recvBufferSize } = listenInfo;
	const announcedAddress = listenInfo.announcedAddress ?? listenInfo.announcedIp;

	if (protocol !== 'udp' && protocol !== 'tcp') {
		throw new TypeError(`invalid listenInfo.protocol "${String(protocol)}" (must be 'udp' or 'tcp')`);
	}

	checkIp(ip, 'listenInfo.ip');

	if (announcedAddress !== undefined && (typeof announcedAddress !== 'string' || !announcedAddress)) {
		throw new TypeError('wrong listenInfo.announcedAddress (not a non empty string)');
	}
	if (port !== undefined && !isPort(port, true)) {
		throw new TypeError('wrong listenInfo.port (not a valid port number)');
	}

	let wirePortRange = { min: 0, max: 0 };

	if (portRange !== undefined) {
		if (!isPlainObject(portRange)) {
			throw new TypeError('wrong listenInfo.portRange (not an object)');
		}

		const { min, max } = portRange;

		if (!isPort(min, true) || !isPort(max, true)) {
			throw new TypeError('wrong listenInfo.portRange (min and max must be port numbers)');
		}
		// 0-0 means no range (as mediasoup's default).
		if (min !== 0 || max !== 0) {
			if (min === 0 || max === 0) {
				throw new TypeError('wrong listenInfo.portRange (min and max must be non zero)');
			}
			if (min > max) {
				throw new TypeError('wrong listenInfo.portRange (min cannot be greater than max)');
			}
		}
		wirePortRange = { min, max };
	}

	if (flags !== undefined && !isPlainObject(flags)) {
		throw new TypeError('wrong listenInfo.flags (not an object)');
	}
	if (sendBufferSize !== undefined && !isNonNegativeInteger(sendBufferSize)) {
		throw new TypeError('wrong listenInfo.sendBufferSize (not a non negative integer)');
	}
	if (recvBufferSize !== undefined && !isNonNegativeInteger(recvBufferSize)) {
		throw new TypeError('wrong listenInfo.recvBufferSize (not a non negative integer)');
	}

	const wire: WireListenInfo = {
		protocol,
		ip,
		exposeInternalIp: Boolean(exposeInternalIp),
		port: port ?? 0,
		portRange: wirePortRange,
		flags: { ipv6Only: Boolean(flags?.ipv6Only), udpReusePort: Boolean(flags?.udpReusePort) },
		sendBufferSize: sendBufferSize ?? 0,
		recvBufferSize: recvBufferSize ?? 0,
	};

	if (announcedAddress !== undefined) {
		wire.announcedAddress = announcedAddress;
	}

	return wire;
}

/** Turns a deprecated listenIp (string or object) into a UDP TransportListenInfo. */
export function listenIpToListenInfo(
	listenIp: TransportListenIp | string,
	port: number | undefined,
	protocol: 'udp' | 'tcp' = 'udp',
): TransportListenInfo {
	const normalized = typeof listenIp === 'string' ? { ip: listenIp } : listenIp;

	if (!isPlainObject(normalized)) {
		throw new TypeError('wrong listenIp (not a string or an object)');
	}

	return {
		protocol,
		ip: normalized.ip,
		announcedAddress: normalized.announcedIp,
		port,
	};
}

export function checkNumSctpStreams(numSctpStreams: NumSctpStreams | undefined): void {
	if (
		!isPlainObject(numSctpStreams) ||
		typeof numSctpStreams.OS !== 'number' ||
		typeof numSctpStreams.MIS !== 'number'
	) {
		throw new TypeError('if given, numSctpStreams must contain OS and MIS');
	}
	if (
		!Number.isInteger(numSctpStreams.OS) ||
		!Number.isInteger(numSctpStreams.MIS) ||
		numSctpStreams.OS < 1 ||
		numSctpStreams.OS > 65535 ||
		numSctpStreams.MIS < 1 ||
		numSctpStreams.MIS > 65535
	) {
		throw new TypeError('numSctpStreams OS and MIS must be integers between 1 and 65535');
	}
}

export function checkPositiveInteger(value: unknown, name: string): void {
	if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
		throw new TypeError(`if given, ${name} must be a positive integer`);
	}
}

export function checkBoolean(value: unknown, name: string): void {
	if (typeof value !== 'boolean') {
		throw new TypeError(`if given, ${name} must be a boolean`);
	}
}

/** Remote DTLS parameters given to webRtcTransport.connect(). */
export function checkDtlsParameters(dtlsParameters: DtlsParameters): void {
	if (!isPlainObject(dtlsParameters)) {
		throw new TypeError('missing dtlsParameters');
	}

	const { fingerprints, role } = dtlsParameters;

	if (!Array.isArray(fingerprints)) {
		throw new TypeError('missing dtlsParameters.fingerprints');
	}
	if (fingerprints.length === 0) {
		throw new TypeError('empty dtlsParameters.fingerprints array');
	}
	for (const fingerprint of fingerprints) {
		if (!isPlainObject(fingerprint)) {
			throw new TypeError('wrong fingerprint (not an object)');
		}
		if (!FINGERPRINT_ALGORITHMS.includes(fingerprint.algorithm as string)) {
			throw new TypeError(`invalid FingerprintAlgorithm: ${String(fingerprint.algorithm)}`);
		}
		if (typeof fingerprint.value !== 'string' || !fingerprint.value) {
			throw new TypeError('wrong fingerprint.value (not a non empty string)');
		}
	}
	if (role !== undefined && !DTLS_ROLES.includes(role)) {
		throw new TypeError(`invalid DtlsRole: ${String(role)}`);
	}
}

/**
 * Remote SRTP parameters given to connect() of a plain or pipe transport.
 * `allowedSuites` are the suites this transport kind accepts.
 */
export function checkSrtpParameters(srtpParameters: SrtpParameters, allowedSuites: readonly SrtpCryptoSuite[]): void {
	if (!isPlainObject(srtpParameters)) {
		throw new TypeError('missing srtpParameters (SRTP enabled)');
	}

	const { cryptoSuite, keyBase64 } = srtpParameters;

	if (typeof cryptoSuite !== 'string') {
		throw new TypeError('missing srtpParameters.cryptoSuite');
	}
	if (!allowedSuites.includes(cryptoSuite)) {
		throw new TypeError(`invalid/unsupported srtpParameters.cryptoSuite "${cryptoSuite}"`);
	}
	if (typeof keyBase64 !== 'string') {
		throw new TypeError('missing srtpParameters.keyBase64');
	}
	if (!/^[A-Za-z0-9+/]*={0,2}$/.test(keyBase64) || keyBase64.length % 4 !== 0) {
		throw new TypeError('invalid srtpParameters.keyBase64 (not base64)');
	}
	if (Buffer.from(keyBase64, 'base64').length !== SRTP_MASTER_LENGTHS[cryptoSuite]) {
		throw new TypeError('invalid decoded SRTP key length');
	}
}

export const ALL_SRTP_CRYPTO_SUITES: readonly SrtpCryptoSuite[] = [
	'AEAD_AES_256_GCM',
	'AEAD_AES_128_GCM',
	'AES_CM_128_HMAC_SHA1_80',
	'AES_CM_128_HMAC_SHA1_32',
];

/** Trace event types the worker knows; others are ignored (as mediasoup). */
export const TRANSPORT_TRACE_EVENT_TYPES = ['probation', 'bwe'];

/**
 * connect()'s srtpParameters check, as the worker makes it: refused when SRTP is not enabled,
 * required and valid (one of `allowedSuites`) when it is.
 */
export function checkConnectSrtpParameters(
	srtpEnabled: boolean,
	srtpParameters: SrtpParameters | undefined,
	allowedSuites: readonly SrtpCryptoSuite[],
): void {
	if (!srtpEnabled && srtpParameters !== undefined) {
		throw new TypeError('invalid srtpParameters (SRTP not enabled)');
	} else if (srtpEnabled) {
		checkSrtpParameters(srtpParameters!, allowedSuites);
	}
}

/** The remote SRTP parameters as connect() sends them to the worker (only these two members). */
export function srtpParametersToWire(srtpParameters: SrtpParameters | undefined): SrtpParameters | undefined {
	return srtpParameters ? { cryptoSuite: srtpParameters.cryptoSuite, keyBase64: srtpParameters.keyBase64 } : undefined;
}
