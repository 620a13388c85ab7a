/** Helpers shared by the data channel tests. */

/** Resolves when cond() holds (polled every 5 ms); the failure message is built when the wait fails. */
export async function until(cond: () => boolean | Promise<boolean>, ms: number, what: () => string): Promise<void> {
	const deadline = Date.now() + ms;

	while (!(await cond())) {
		if (Date.now() > deadline) {
			throw new Error(`timeout after ${ms} ms: ${what()}`);
		}
		await new Promise((r) => setTimeout(r, 5));
	}
}

/** A message whose first 4 bytes are its index. */
export function msg(i: number, size: number): Buffer {
	const b = Buffer.alloc(size, i & 0xff);

	b.writeUInt32BE(i, 0);

	return b;
}
