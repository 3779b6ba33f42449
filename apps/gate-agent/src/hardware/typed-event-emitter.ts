// A small typed event bus for hardware ports: listeners are typed by event name, and `removeAllListeners` on stop
// detaches everything a port's users registered (no leaked callbacks into a closed device).
type Listener<Args extends unknown[]> = (...args: Args) => void;
// Stored untyped; `on`/`emit` keep each name's listener and arguments in step.
type AnyListener = (...args: unknown[]) => void;

export class TypedEventEmitter<Events extends { [Name in keyof Events]: unknown[] }> {
  private readonly listeners = new Map<keyof Events, Set<AnyListener>>();

  on<Name extends keyof Events>(name: Name, listener: Listener<Events[Name]>): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener as unknown as AnyListener);
    return () => this.off(name, listener);
  }

  once<Name extends keyof Events>(name: Name, listener: Listener<Events[Name]>): () => void {
    const remove = this.on(name, (...args) => {
      remove();
      listener(...args);
    });
    return remove;
  }

  off<Name extends keyof Events>(name: Name, listener: Listener<Events[Name]>): void {
    this.listeners.get(name)?.delete(listener as unknown as AnyListener);
  }

  emit<Name extends keyof Events>(name: Name, ...args: Events[Name]): void {
    for (const listener of [...(this.listeners.get(name) ?? [])]) listener(...(args as unknown[]));
  }

  listenerCount(name: keyof Events): number {
    return this.listeners.get(name)?.size ?? 0;
  }

  removeAllListeners(): void {
    this.listeners.clear();
  }
}
