/**
 * ICE-lite server (RFC 8445 sections 2.5 and 7.3, with consent freshness from RFC 7675), sans
 * I/O: STUN messages in, responses out, time only as arguments. The transport owns the sockets
 * and the timer; this decides which tuples are valid, which one is selected and the ICE state.
 *
 * A lite agent never sends checks: it answers the peer's Binding requests, learns a tuple from
 * each authenticated one, and selects the tuple the controlling peer nominates (USE-CANDIDATE,
 * or the NOMINATION attribute of draft-thatcher-ice-renomination, where a higher value wins).
 * The state machine follows mediasoup's IceServer so applications see the same events.
 */
import {
	StunClass,
	StunMethod,
	buildBindingSuccessResponse,
	buildErrorResponse,
	checkFingerprint,
	checkMessageIntegrity,
	type StunMessage,
} from '../../proto/stun';

export type IceState = 'new' | 'connected' | 'completed' | 'disconnected' | 'closed';

/** A transport tuple as mediasoup reports it. */
export type IceTuple = {
	localAddress: string;
	localPort: number;
	remoteIp: string;
	remotePort: number;
	protocol: 'udp' | 'tcp';
};

/** What the server tells its transport. `S` is whatever the transport needs to send on a tuple. */
export interface IceServerListener<S> {
	/** Every change but to 'closed' (close() is the caller's own doing). */
	onStateChange(state: IceState): void;
	onSelectedTuple(tuple: IceTuple, source: S): void;
	/** A tuple became valid (an authenticated request arrived on it). */
	onTupleAdded?(tuple: IceTuple, source: S): void;
	/** A tuple is no longer valid (consent expired, connection closed, or close()). */
	onTupleRemoved?(tuple: IceTuple, source: S): void;
	/** A local username fragment the transport must be reachable by (restartIce()). */
	onUsernameFragmentAdded?(usernameFragment: string): void;
	/** A local username fragment no longer valid (the peer uses the new one). */
	onUsernameFragmentRemoved?(usernameFragment: string): void;
}

export interface IceServerOptions {
	usernameFragment: string;
	password: string;
	/**
	 * RFC 7675 section 5.1: seconds without a valid request on a tuple after which its consent
	 * expires (mediasoup's iceConsentTimeout, default 30); 0 disables the check.
	 */
	consentTimeoutSeconds?: number;
	/** SOFTWARE attribute of our responses (none by default: it only helps fingerprinting). */
	software?: string;
}

export interface IceServerStats {
	/** Binding requests answered with success. */
	successResponses: number;
	/** 400: missing USERNAME, MESSAGE-INTEGRITY, PRIORITY or FINGERPRINT, or a method other than Binding. */
	badRequests: number;
	/** 401: unknown username fragment or wrong MESSAGE-INTEGRITY (RFC 8445 section 7.3 / RFC 5389 10.1.2). */
	unauthorized: number;
	/** 487: the peer claims the controlled role too (we are lite: always controlled). */
	roleConflicts: number;
	/** 420: comprehension-required attributes we do not know. */
	unknownAttributes: number;
	/** Indications, responses, and messages with a wrong FINGERPRINT: dropped without an answer. */
	discarded: number;
}

type TupleEntry<S> = {
	tuple: IceTuple;
	source: S;
	key: string;
	lastValidMs: number;
};

/** A stable key of a tuple (TCP tuples differ by the connection's remote port). */
export function iceTupleKey(tuple: IceTuple): string {
	return `${tuple.protocol}|${tuple.localAddress}|${tuple.localPort}|${tuple.remoteIp}|${tuple.remotePort}`;
}

export class IceServer<S> {
	readonly stats: IceServerStats = {
		successResponses: 0,
		badRequests: 0,
		unauthorized: 0,
		roleConflicts: 0,
		unknownAttributes: 0,
		discarded: 0,
	};

	readonly #listener: IceServerListener<S>;
	readonly #consentTimeoutMs: number;
	readonly #software: string | undefined;
	#usernameFragment: string;
	#password: string;
	#oldUsernameFragment: string | undefined = undefined;
	#oldPassword: string | undefined = undefined;
	#state: IceState = 'new';
	readonly #tuples = new Map<string, TupleEntry<S>>();
	#selected: TupleEntry<S> | undefined = undefined;
	/** Highest NOMINATION value seen (0: none yet); reset by restartIce() and disconnection. */
	#remoteNomination = 0;

	constructor(options: IceServerOptions, listener: IceServerListener<S>) {
		this.#usernameFragment = options.usernameFragment;
		this.#password = options.password;
		this.#consentTimeoutMs = Math.max(0, options.consentTimeoutSeconds ?? 30) * 1000;
		this.#software = options.software;
		this.#listener = listener;
	}

	get state(): IceState {
		return this.#state;
	}

	get usernameFragment(): string {
		return this.#usernameFragment;
	}

	get password(): string {
		return this.#password;
	}

	/** The previous username fragment while it is still accepted (after restartIce()). */
	get oldUsernameFragment(): string | undefined {
		return this.#oldUsernameFragment;
	}

	get selectedTuple(): IceTuple | undefined {
		return this.#selected?.tuple;
	}

	get selectedSource(): S | undefined {
		return this.#selected?.source;
	}

	get tupleCount(): number {
		return this.#tuples.size;
	}

	/** True when the tuple passed an authenticated check (media and DTLS are accepted from it). */
	isValidTupleKey(key: string): boolean {
		return this.#tuples.has(key);
	}

	/** The source object of a valid tuple, or undefined. */
	sourceOf(key: string): S | undefined {
		return this.#tuples.get(key)?.source;
	}

	/**
	 * One STUN message received on `tuple`. Returns the response to send back on the same tuple,
	 * or undefined when the message gets none. Never throws on the message's content.
	 */
	handleStunMessage(message: StunMessage, tuple: IceTuple, source: S, nowMs: number): Buffer | undefined {
		if (this.#state === 'closed') {
			return undefined;
		}

		// RFC 5389 section 7.3: a FINGERPRINT that does not match means this is not STUN at all.
		if (message.fingerprintOffset >= 0 && !checkFingerprint(message)) {
			this.stats.discarded++;

			return undefined;
		}

		// A lite agent sends no requests, so responses are not ours; indications (keepalives,
		// RFC 8445 section 11) need no answer and do not refresh consent (RFC 7675 section 5.1).
		if (message.messageClass !== StunClass.Request) {
			this.stats.discarded++;

			return undefined;
		}

		if (message.method !== StunMethod.Binding) {
			return this.#error(message, 400, undefined);
		}

		// RFC 8445 section 7.1: checks carry FINGERPRINT (mediasoup insists too).
		if (message.fingerprintOffset < 0) {
			return this.#error(message, 400, undefined);
		}

		// RFC 5389 section 7.3.1.
		if (message.unknownComprehensionRequired !== undefined) {
			this.stats.unknownAttributes++;

			return buildErrorResponse(message, 420, {
				unknownAttributes: message.unknownComprehensionRequired,
				software: this.#software,
			});
		}

		// RFC 8445 section 7.1.1 (PRIORITY) and 7.2.2 / RFC 5389 10.1.2 (USERNAME and
		// MESSAGE-INTEGRITY): missing ones are a 400.
		if (message.username === undefined || message.messageIntegrityOffset < 0 || message.priority === undefined) {
			return this.#error(message, 400, undefined);
		}

		// RFC 8445 section 7.2.2: USERNAME is "<our ufrag>:<their ufrag>".
		const colon = message.username.indexOf(':');
		const localUfrag = colon === -1 ? undefined : message.username.slice(0, colon);
		let password: string | undefined;
		let usingOld = false;

		if (localUfrag === this.#usernameFragment && checkMessageIntegrity(message, this.#password)) {
			password = this.#password;
		} else if (
			this.#oldUsernameFragment !== undefined &&
			localUfrag === this.#oldUsernameFragment &&
			checkMessageIntegrity(message, this.#oldPassword!)
		) {
			// After restartIce() the old credentials stay valid until the peer uses the new ones.
			password = this.#oldPassword!;
			usingOld = true;
		}

		if (password === undefined) {
			// RFC 5389 section 10.1.2: no MESSAGE-INTEGRITY on a 401 (we cannot authenticate it).
			this.stats.unauthorized++;

			return buildErrorResponse(message, 401, { software: this.#software });
		}

		// RFC 8445 section 7.3.1.1: we are lite, hence always controlled (section 6.1.1), and cannot
		// switch roles; a peer that also claims to be controlled gets 487 and must switch itself.
		if (message.iceControlled !== undefined) {
			this.stats.roleConflicts++;

			return buildErrorResponse(message, 487, { password, software: this.#software });
		}

		if (!usingOld && this.#oldUsernameFragment !== undefined) {
			// The peer restarted ICE with our new credentials: the old ones go.
			const old = this.#oldUsernameFragment;

			this.#oldUsernameFragment = undefined;
			this.#oldPassword = undefined;
			this.#listener.onUsernameFragmentRemoved?.(old);
		}

		this.stats.successResponses++;

		const response = buildBindingSuccessResponse(
			message,
			{ address: tuple.remoteIp, port: tuple.remotePort },
			password,
			this.#software,
		);

		this.#handleTuple(tuple, source, message.useCandidate, message.nomination, nowMs);

		return response;
	}

	/** RFC 8445 section 7.3.1.5 as mediasoup applies it to a lite agent. */
	#handleTuple(tuple: IceTuple, source: S, useCandidate: boolean, nomination: number | undefined, nowMs: number): void {
		const key = iceTupleKey(tuple);
		let entry = this.#tuples.get(key);

		if (entry) {
			entry.lastValidMs = nowMs;
		} else {
			entry = { tuple: { ...tuple }, source, key, lastValidMs: nowMs };
			this.#tuples.set(key, entry);
			this.#listener.onTupleAdded?.(entry.tuple, source);
		}

		const nominated = useCandidate || nomination !== undefined;
		// With renomination the highest NOMINATION value wins; a plain USE-CANDIDATE always does.
		const wins = nomination === undefined || nomination > this.#remoteNomination;

		switch (this.#state) {
			case 'new':
			case 'disconnected': {
				if (!nominated) {
					// The first valid check already gives a path: use it until one is nominated.
					this.#select(entry);
					this.#setState('connected');
				} else if (wins) {
					this.#select(entry);
					this.#remoteNomination = nomination ?? this.#remoteNomination;
					this.#setState('completed');
				}
				break;
			}

			case 'connected': {
				if (nominated && wins) {
					this.#select(entry);
					this.#remoteNomination = nomination ?? this.#remoteNomination;
					this.#setState('completed');
				}
				break;
			}

			case 'completed': {
				if (nominated && wins) {
					this.#select(entry);
					this.#remoteNomination = nomination ?? this.#remoteNomination;
				}
				break;
			}

			default:
				break;
		}
	}

	#select(entry: TupleEntry<S>): void {
		if (this.#selected === entry) {
			return;
		}
		this.#selected = entry;
		this.#listener.onSelectedTuple(entry.tuple, entry.source);
	}

	#setState(state: IceState): void {
		if (this.#state === state) {
			return;
		}
		this.#state = state;
		this.#listener.onStateChange(state);
	}

	#error(message: StunMessage, code: 400, password: string | undefined): Buffer {
		this.stats.badRequests++;

		return buildErrorResponse(message, code, { password, software: this.#software });
	}

	// --- time -------------------------------------------------------------------------------

	/** When handleTimeout() must run next (absolute ms), or undefined when nothing can expire. */
	nextTimeoutMs(): number | undefined {
		if (this.#consentTimeoutMs === 0 || this.#tuples.size === 0) {
			return undefined;
		}

		let earliest = Infinity;

		for (const entry of this.#tuples.values()) {
			earliest = Math.min(earliest, entry.lastValidMs + this.#consentTimeoutMs);
		}

		return earliest;
	}

	/**
	 * RFC 7675 section 5.1: a tuple with no authenticated request for the consent timeout loses
	 * consent and is removed; when the selected one goes, another valid one (the freshest) takes
	 * over, else ICE is 'disconnected'.
	 */
	handleTimeout(nowMs: number): void {
		if (this.#consentTimeoutMs === 0 || this.#state === 'closed') {
			return;
		}

		for (const entry of [...this.#tuples.values()]) {
			if (nowMs - entry.lastValidMs >= this.#consentTimeoutMs) {
				this.#removeEntry(entry);
			}
		}
	}

	/** A tuple is gone (its TCP connection closed). */
	removeTuple(tuple: IceTuple): void {
		const entry = this.#tuples.get(iceTupleKey(tuple));

		if (entry) {
			this.#removeEntry(entry);
		}
	}

	#removeEntry(entry: TupleEntry<S>): void {
		this.#tuples.delete(entry.key);
		this.#listener.onTupleRemoved?.(entry.tuple, entry.source);

		if (this.#selected !== entry) {
			return;
		}

		this.#selected = undefined;

		let freshest: TupleEntry<S> | undefined;

		for (const other of this.#tuples.values()) {
			if (!freshest || other.lastValidMs > freshest.lastValidMs) {
				freshest = other;
			}
		}

		if (freshest) {
			this.#select(freshest);
		} else {
			this.#remoteNomination = 0;
			this.#setState('disconnected');
		}
	}

	// --- credentials and close ------------------------------------------------------------------

	/**
	 * New local credentials (RFC 8445 section 9). As mediasoup: the tuples and the selected one
	 * stay, the previous credentials keep working until the peer authenticates with the new ones,
	 * and the one before the previous is dropped now.
	 */
	restartIce(usernameFragment: string, password: string): void {
		if (this.#oldUsernameFragment !== undefined) {
			this.#listener.onUsernameFragmentRemoved?.(this.#oldUsernameFragment);
		}
		this.#oldUsernameFragment = this.#usernameFragment;
		this.#oldPassword = this.#password;
		this.#usernameFragment = usernameFragment;
		this.#password = password;
		this.#remoteNomination = 0;
		this.#listener.onUsernameFragmentAdded?.(usernameFragment);
	}

	/** Forgets every tuple; no more events. */
	close(): void {
		if (this.#state === 'closed') {
			return;
		}
		this.#state = 'closed';
		this.#selected = undefined;
		for (const entry of this.#tuples.values()) {
			this.#listener.onTupleRemoved?.(entry.tuple, entry.source);
		}
		this.#tuples.clear();
	}
}
