/**
 * Tiny schema checks for client input. Every check returns an error string
 * (with the path of the offending field) or undefined; nothing throws, and
 * sizes are bounded so a hostile message costs little.
 */

export type Check = (value: unknown, path: string) => string | undefined;

export const isObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

export function str(opts: { max?: number; min?: number; pattern?: RegExp; oneOf?: string[] } = {}): Check {
	const max = opts.max ?? 256;
	const min = opts.min ?? 0;
	return (v, p) => {
		if (typeof v !== 'string') return `${p} must be a string`;
		if (v.length < min || v.length > max) return `${p} length must be ${min}..${max}`;
		if (opts.pattern && !opts.pattern.test(v)) return `${p} has a bad format`;
		if (opts.oneOf && !opts.oneOf.includes(v)) return `${p} must be one of ${opts.oneOf.join(', ')}`;
		return undefined;
	};
}

export function int(min: number, max: number): Check {
	return (v, p) => {
		if (typeof v !== 'number' || !Number.isInteger(v)) return `${p} must be an integer`;
		if (v < min || v > max) return `${p} must be ${min}..${max}`;
		return undefined;
	};
}

export function num(min: number, max: number): Check {
	return (v, p) => {
		if (typeof v !== 'number' || !Number.isFinite(v)) return `${p} must be a number`;
		if (v < min || v > max) return `${p} must be ${min}..${max}`;
		return undefined;
	};
}

export const bool: Check = (v, p) => (typeof v === 'boolean' ? undefined : `${p} must be a boolean`);

export const uuid = str({ pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, max: 36 });

export function arr(item: Check, maxLength: number): Check {
	return (v, p) => {
		if (!Array.isArray(v)) return `${p} must be an array`;
		if (v.length > maxLength) return `${p} has more than ${maxLength} items`;
		for (let i = 0; i < v.length; i++) {
			const e = item(v[i], `${p}[${i}]`);
			if (e) return e;
		}
		return undefined;
	};
}

/** Optional key: absent or undefined passes. */
export type Field = Check & { optional?: true };
export function opt(c: Check): Field {
	const f = ((v: unknown, p: string) => (v === undefined ? undefined : c(v, p))) as Field;
	f.optional = true;
	return f;
}

/**
 * An object with the given fields. Unknown keys are allowed (mediasoup-client
 * adds fields over time) unless `strict`; the count of keys is bounded.
 */
export function obj(fields: Record<string, Check>, opts: { strict?: boolean; maxKeys?: number } = {}): Check {
	const maxKeys = opts.maxKeys ?? 32;
	return (v, p) => {
		if (!isObject(v)) return `${p} must be an object`;
		const keys = Object.keys(v);
		if (keys.length > maxKeys) return `${p} has too many keys`;
		if (opts.strict) {
			for (const k of keys) if (!(k in fields)) return `${p}.${k} is not allowed`;
		}
		for (const [k, c] of Object.entries(fields)) {
			const e = c(v[k], `${p}.${k}`);
			if (e) return e;
		}
		return undefined;
	};
}

/** A flat map of scalar values (codec parameters, appData). */
export function scalarMap(maxKeys: number): Check {
	return (v, p) => {
		if (!isObject(v)) return `${p} must be an object`;
		const keys = Object.keys(v);
		if (keys.length > maxKeys) return `${p} has too many keys`;
		for (const k of keys) {
			if (k.length > 64) return `${p} has a key too long`;
			const x = v[k];
			if (typeof x === 'string' ? x.length > 256 : typeof x !== 'number' && typeof x !== 'boolean') {
				return `${p}.${k} must be a short string, number or boolean`;
			}
		}
		return undefined;
	};
}

// ---- mediasoup shapes (as mediasoup-client sends them) ----

const mimeType = str({ pattern: /^(audio|video)\/[A-Za-z0-9.+-]{1,32}$/, max: 40 });

const rtcpFeedback = obj({ type: str({ max: 32 }), parameter: opt(str({ max: 32 })) });

export const rtpCodecParameters = obj({
	mimeType,
	payloadType: int(0, 127),
	clockRate: int(1, 1_000_000),
	channels: opt(int(1, 8)),
	parameters: opt(scalarMap(32)),
	rtcpFeedback: opt(arr(rtcpFeedback, 32)),
});

const headerExtension = obj({
	uri: str({ max: 128 }),
	id: int(1, 255),
	encrypt: opt(bool),
	parameters: opt(scalarMap(16)),
});

const encoding = obj({
	ssrc: opt(int(0, 0xffffffff)),
	rid: opt(str({ max: 16, pattern: /^[A-Za-z0-9_-]+$/ })),
	codecPayloadType: opt(int(0, 127)),
	rtx: opt(obj({ ssrc: int(0, 0xffffffff) })),
	dtx: opt(bool),
	scalabilityMode: opt(str({ max: 16 })),
	scaleResolutionDownBy: opt(num(1, 1024)),
	maxBitrate: opt(int(0, 1_000_000_000)),
	maxFramerate: opt(num(0, 1000)),
	adaptivePtime: opt(bool),
	priority: opt(str({ max: 16 })),
	networkPriority: opt(str({ max: 16 })),
	active: opt(bool),
});

export const rtpParameters = obj({
	mid: opt(str({ max: 32 })),
	codecs: (v, p) => {
		const e = arr(rtpCodecParameters, 32)(v, p);
		if (e) return e;
		return (v as unknown[]).length === 0 ? `${p} must not be empty` : undefined;
	},
	headerExtensions: opt(arr(headerExtension, 32)),
	encodings: opt(arr(encoding, 8)),
	rtcp: opt(obj({ cname: opt(str({ max: 256 })), reducedSize: opt(bool), mux: opt(bool) })),
	msid: opt(str({ max: 256 })),
});

const rtpCodecCapability = obj({
	kind: str({ oneOf: ['audio', 'video'] }),
	mimeType,
	preferredPayloadType: opt(int(0, 127)),
	clockRate: int(1, 1_000_000),
	channels: opt(int(1, 8)),
	parameters: opt(scalarMap(32)),
	rtcpFeedback: opt(arr(rtcpFeedback, 32)),
});

export const rtpCapabilities = obj({
	codecs: opt(arr(rtpCodecCapability, 64)),
	headerExtensions: opt(arr(obj({
		kind: str({ oneOf: ['audio', 'video'] }),
		uri: str({ max: 128 }),
		preferredId: int(1, 255),
		preferredEncrypt: opt(bool),
		direction: opt(str({ oneOf: ['sendrecv', 'sendonly', 'recvonly', 'inactive'] })),
	}), 64)),
});

export const dtlsParameters = obj({
	role: opt(str({ oneOf: ['auto', 'client', 'server'] })),
	fingerprints: (v, p) => {
		const e = arr(obj({
			algorithm: str({ oneOf: ['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512'] }),
			value: str({ max: 200, pattern: /^[0-9A-Fa-f:]+$/ }),
		}), 8)(v, p);
		if (e) return e;
		return (v as unknown[]).length === 0 ? `${p} must not be empty` : undefined;
	},
});
