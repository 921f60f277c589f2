/**
 * The children of a metric for each value of one label, bound once, so that recording an
 * observation allocates no label object (`metric.labels(...)` builds and hashes one per call).
 */
export function bindEach<V extends string, C>(values: readonly V[], bind: (value: V) => C): Record<V, C> {
  const children = {} as Record<V, C>;
  for (const value of values) children[value] = bind(value);
  return children;
}

/** Children keyed by a second, numeric label (an HTTP status), bound on first use. */
export class ChildrenByCode<C> {
  private readonly children = new Map<number, C>();

  constructor(private readonly bind: (code: string) => C) {}

  get(code: number): C {
    let child = this.children.get(code);
    if (child === undefined) {
      child = this.bind(String(code));
      this.children.set(code, child);
    }
    return child;
  }
}
