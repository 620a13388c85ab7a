/**
 * Runs an object's pending v3 operations one after another, in the order
 * they were asked for. v1 objects are usable as soon as their factory
 * returns; what needs the worker (creating the router, the producer, the
 * consumer...) waits here behind what was asked before it.
 */
export class OperationQueue {
	#tail: Promise<unknown> = Promise.resolve();

	/** Queue a task; the returned promise settles with it. */
	push<T>(task: () => Promise<T> | T): Promise<T> {
		const run = this.#tail.then(() => task());

		// A failed task must not stop the ones behind it.
		this.#tail = run.then(
			() => undefined,
			() => undefined,
		);

		return run;
	}

	/**
	 * Queue a task nobody awaits: its failure goes to `onError` instead of
	 * becoming an unhandled rejection.
	 */
	run(task: () => Promise<unknown> | unknown, onError: (error: Error) => void): void {
		this.push(task).catch((error) => onError(error as Error));
	}

	/** Resolves once everything queued so far has settled. */
	async drain(): Promise<void> {
		await this.#tail;
	}
}
