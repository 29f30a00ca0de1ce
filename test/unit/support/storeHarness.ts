import { Emitter } from '../../../src/core/util/emitter';
import type { Task } from '../../../src/core/tasks/model';
import { PollingTaskStore } from '../../../src/core/tasks/pollingTaskStore';
import type {
  ConnectionSource,
  ConnectionState,
  PollingTaskStoreOptions,
  TaskListStore,
} from '../../../src/core/tasks/taskStore';
import type { DisposableLike } from '../../../src/core/util/disposable';
import type { LatestSnapshot, SnapshotStorage, TaskSnapshot } from '../../../src/core/tasks/taskSnapshot';
import type { TasksApi } from '../../../src/core/api/tasksApi';
import { FakeClock } from './fakeClock';
import { settle } from './fakeTasksApi';

/** A connection the test switches by hand. */
export class FakeConnection implements ConnectionSource {
  private readonly emitter = new Emitter<void>();
  readonly onDidChange = this.emitter.event;
  constructor(private current: ConnectionState) {}

  static to(api: TasksApi, accountKey = `${api.kind} ${api.baseUrl}`): FakeConnection {
    return new FakeConnection({ kind: 'connected', connection: { api, accountKey } });
  }

  state(): ConnectionState {
    return this.current;
  }

  set(state: ConnectionState): void {
    this.current = state;
    this.emitter.fire();
  }
}

/** Snapshot storage in memory, through JSON like a file. `hold()` makes loads wait. */
export class MemoryStorage implements SnapshotStorage {
  readonly saved = new Map<string, string>();
  saves = 0;
  /** Reads of one account's snapshot (not of the latest). */
  loads = 0;
  /** The account whose snapshot was saved last, until forgotten. */
  latest: string | undefined;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise<void>((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  async load(accountKey: string): Promise<unknown> {
    this.loads++;
    if (this.gate) await this.gate;
    const text = this.saved.get(accountKey);
    return text === undefined ? undefined : JSON.parse(text);
  }

  async save(accountKey: string, snapshot: TaskSnapshot): Promise<void> {
    this.saves++;
    this.saved.set(accountKey, JSON.stringify(snapshot));
    this.latest = accountKey;
  }

  async loadLatest(): Promise<LatestSnapshot | undefined> {
    if (this.gate) await this.gate;
    const account = this.latest;
    const text = account === undefined ? undefined : this.saved.get(account);
    return account === undefined || text === undefined
      ? undefined
      : { raw: JSON.parse(text), belongsTo: (key) => key === account };
  }

  async forgetLatest(): Promise<void> {
    this.latest = undefined;
  }
}

export interface StoreHarness {
  /** A started PollingTaskStore, seen through the interface the view uses. */
  readonly store: TaskListStore & DisposableLike;
  readonly clock: FakeClock;
  readonly finished: string[][];
  /** Moves the fake time on in steps, letting promises settle in between. */
  run(ms: number, stepMs?: number): Promise<void>;
}

export function startStore(
  connection: ConnectionSource,
  options: Partial<PollingTaskStoreOptions> & {
    readonly visible?: boolean;
    readonly focused?: boolean;
    readonly clock?: FakeClock;
  } = {},
): StoreHarness {
  const clock = options.clock ?? new FakeClock();
  const store = new PollingTaskStore({ connection, clock, persistDelayMs: 1_000, ...options });
  const finished: string[][] = [];
  store.onDidFinish((tasks: readonly Task[]) => finished.push(tasks.map((task) => task.id)));
  store.setActivity({ viewVisible: options.visible ?? true, windowFocused: options.focused ?? true });
  store.start();
  const run = async (ms: number, stepMs = 250): Promise<void> => {
    await settle();
    for (let passed = 0; passed < ms; passed += stepMs) {
      clock.advance(Math.min(stepMs, ms - passed));
      await settle();
    }
  };
  return { store, clock, finished, run };
}
