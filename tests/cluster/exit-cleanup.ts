// Makes sure no cluster process outlives the Node process that started it: kills registered control
// planes on exit (including a crash on an uncaught error) and stops them on SIGINT/SIGTERM, then exits.
export interface CleanupTarget {
  /** Synchronous last resort: SIGKILL every child and remove files. */
  killNow(): void;
  /** Orderly stop. */
  stop(): Promise<void>;
}

const live = new Set<CleanupTarget>();
const signalExitCodes = { SIGINT: 130, SIGTERM: 143 } as const;
let stopping = false;

function killAllNow(): void {
  for (const target of live) target.killNow();
  live.clear();
}

function onSignal(signal: keyof typeof signalExitCodes): void {
  if (stopping) {
    // A second Ctrl-C: do not wait any longer.
    killAllNow();
    process.exit(signalExitCodes[signal]);
  }
  stopping = true;
  const targets = [...live];
  void Promise.allSettled(targets.map((target) => target.stop())).then(() => {
    killAllNow();
    process.exit(signalExitCodes[signal]);
  });
}

const onSigint = (): void => onSignal("SIGINT");
const onSigterm = (): void => onSignal("SIGTERM");

function install(): void {
  // An uncaught error also ends in "exit": Node emits it before exiting with code 1.
  process.on("exit", killAllNow);
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
}

function uninstall(): void {
  process.off("exit", killAllNow);
  process.off("SIGINT", onSigint);
  process.off("SIGTERM", onSigterm);
}

/** Registers `target` until the returned function is called. */
export function stopOnProcessExit(target: CleanupTarget): () => void {
  if (live.size === 0) install();
  live.add(target);
  return () => {
    if (live.delete(target) && live.size === 0 && !stopping) uninstall();
  };
}
