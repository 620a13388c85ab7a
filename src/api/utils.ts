import { randomUUID } from 'node:crypto';

/** Deep clone of plain data (what mediasoup clones: parameters, capabilities). */
export function clone<T>(value: T): T {
	if (value === undefined) {
		return undefined as T;
	}
	if (Number.isNaN(value)) {
		return NaN as T;
	}

	// JSON semantics on purpose (as mediasoup): undefined members vanish.
	return JSON.parse(JSON.stringify(value));
}

export function generateUUIDv4(): string {
	return randomUUID();
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** mediasoup's rule for appData: if given, it must be an object. */
export function checkAppData(appData: unknown): void {
	if (appData && typeof appData !== 'object') {
		throw new TypeError('if given, appData must be an object');
	}
}
