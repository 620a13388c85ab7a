import { randomInt } from 'node:crypto';

/** Where to bind: a fixed port, or any free port of a range. */
export type PortChoice = { port: number } | { min: number; max: number };

/**
 * What a listen info asks for: its fixed port, else its port range, else the
 * worker's rtcMinPort..rtcMaxPort (as mediasoup's worker does).
 */
export function portChoiceFor(
	listenInfo: { port?: number; portRange?: { min: number; max: number } },
	workerRange: { rtcMinPort: number; rtcMaxPort: number },
): PortChoice {
	const range = listenInfo.portRange;

	if (range && range.min !== 0 && range.max !== 0) {
		return { min: range.min, max: range.max };
	}
	if (listenInfo.port) {
		return { port: listenInfo.port };
	}

	return { min: workerRange.rtcMinPort, max: workerRange.rtcMaxPort };
}

function isAddressInUse(error: unknown): boolean {
	return (error as NodeJS.ErrnoException)?.code === 'EADDRINUSE';
}

/**
 * Binds with `tryBind(port)`. For a range it starts at a random port (so
 * concurrent workers do not collide on the same first choice) and walks the
 * whole range once, skipping ports in use. Any other error (address not
 * available, permission) fails at once. `tryBind` must leave nothing open when
 * it rejects.
 */
export async function bindWithPortChoice<T>(
	choice: PortChoice,
	describe: string,
	tryBind: (port: number) => Promise<T>,
): Promise<T> {
	if ('port' in choice) {
		try {
			return await tryBind(choice.port);
		} catch (error) {
			throw bindError(describe, choice.port, error);
		}
	}

	const { min, max } = choice;
	const count = max - min + 1;

	if (count <= 0) {
		throw new TypeError(`invalid port range [${min}, ${max}]`);
	}

	const start = randomInt(count);

	for (let i = 0; i < count; ++i) {
		const port = min + ((start + i) % count);

		try {
			return await tryBind(port);
		} catch (error) {
			if (!isAddressInUse(error)) {
				throw bindError(describe, port, error);
			}
		}
	}

	throw new Error(`no more available ports [${describe}, range:${min}-${max}, numAttempt:${count}]`);
}

function bindError(describe: string, port: number, error: unknown): Error {
	const code = (error as NodeJS.ErrnoException)?.code ?? '';
	const message = (error as Error)?.message ?? String(error);

	return new Error(`cannot bind [${describe}, port:${port}]: ${code || message}`);
}
