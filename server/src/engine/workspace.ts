/**
 * The workspace index: every Kubernetes object of every known file, so that rules can follow
 * `scaleTargetRef` across files. Updating one file replaces only that file's entries.
 */
import { K8sObject, objectsOf, TargetRef, targetRefOf, workloadOf, WorkloadInfo } from './model';
import type { ParsedFile } from './parse';

/** Looks objects up across files; the engine never reads the disk itself. */
/** MemoCache names one kind of result kept with `WorkspaceIndex.memo`; its type parameters tie keys to values. */
export interface MemoCache<K, T> {
  readonly name: string;
  /** Never set: only carries the key and value types. */
  readonly types?: (key: K) => T;
}

/** folderOf is the folder part of a file URI: the unit rules read as "the manifests that ship together". */
export function folderOf(uri: string): string {
  return uri.slice(0, uri.lastIndexOf('/'));
}

/** memoCache makes the name of a kind of derived result, for `WorkspaceIndex.memo`. */
export function memoCache<K, T>(name: string): MemoCache<K, T> {
  return { name };
}

export class WorkspaceIndex {
  private byUri = new Map<string, K8sObject[]>();
  private files = new Map<string, ParsedFile>();
  private workloads = new Map<K8sObject, WorkloadInfo | undefined>();
  /** Scale targets by autoscaler and autoscalers by target, for the current generation. */
  private targets = new Map<K8sObject, K8sObject | undefined>();
  private scalers: Map<K8sObject, K8sObject[]> | undefined;
  /**
   * Objects by `kind` and by kind and name, for the current generation: lookups stay cheap on workspaces of
   * thousands of objects (a rendered chart, a big multi-document file).
   */
  private kinds: { byKind: Map<string, K8sObject[]>; byName: Map<string, K8sObject[]> } | undefined;
  /** Results derived from the current generation by callers (see `memo`), by cache and key. */
  private derived = new Map<object, Map<unknown, unknown>>();
  /** Bumped on every change, so callers can cache derived results. */
  generation = 0;

  /** update replaces a file's objects with those of a new parse. */
  update(file: ParsedFile): K8sObject[] {
    const objs = objectsOf(file);
    const old = this.byUri.get(file.uri);
    if (old) for (const o of old) this.workloads.delete(o);
    this.byUri.set(file.uri, objs);
    this.files.set(file.uri, file);
    this.changed();
    return objs;
  }

  /** remove forgets a file (deleted from disk). */
  remove(uri: string): void {
    const old = this.byUri.get(uri);
    if (!old) return;
    for (const o of old) this.workloads.delete(o);
    this.byUri.delete(uri);
    this.files.delete(uri);
    this.changed();
  }

  /** changed starts a new generation: lookups across files are made again. */
  private changed(): void {
    this.generation++;
    this.targets.clear();
    this.scalers = undefined;
    this.kinds = undefined;
    this.derived.clear();
  }

  /**
   * memo gives what `build` derives from the workspace for `key`, built once per generation: rules that several
   * checks consult (an autoscaler's behavior, a target's cold start, a folder's candidates) keep their results here
   * and every change drops them. `cache` names the kind of result (a module-level object), `key` the input.
   */
  memo<K, T>(cache: MemoCache<K, T>, key: K, build: () => T): T {
    let results = this.derived.get(cache) as Map<K, T> | undefined;
    if (!results) this.derived.set(cache, (results = new Map<K, T>()) as Map<unknown, unknown>);
    if (results.has(key)) return results.get(key) as T;
    const value = build();
    results.set(key, value);
    return value;
  }

  has(uri: string): boolean {
    return this.byUri.has(uri);
  }

  /** ensure indexes a parse unless that very parse is indexed already, and returns its objects. */
  ensure(file: ParsedFile): K8sObject[] {
    return this.files.get(file.uri) === file ? this.byUri.get(file.uri)! : this.update(file);
  }

  /** file returns the indexed parse of a uri. */
  file(uri: string): ParsedFile | undefined {
    return this.files.get(uri);
  }

  /** uris of every indexed file. */
  uris(): string[] {
    return [...this.files.keys()];
  }

  /** objects of one file (empty when unknown). */
  objectsIn(uri: string): K8sObject[] {
    return this.byUri.get(uri) ?? [];
  }

  /** all objects of the workspace. */
  *all(): Iterable<K8sObject> {
    for (const objs of this.byUri.values()) yield* objs;
  }

  /** ofKind lists the objects of one `kind` (as written, whatever the apiVersion), in workspace order. */
  ofKind(kind: string): readonly K8sObject[] {
    return this.kindIndex().byKind.get(kind) ?? [];
  }

  /** named lists the objects of one `kind` and `metadata.name`, in workspace order. */
  named(kind: string, name: string): readonly K8sObject[] {
    return this.kindIndex().byName.get(`${kind}/${name}`) ?? [];
  }

  private kindIndex(): { byKind: Map<string, K8sObject[]>; byName: Map<string, K8sObject[]> } {
    if (!this.kinds) {
      const byKind = new Map<string, K8sObject[]>();
      const byName = new Map<string, K8sObject[]>();
      const add = (map: Map<string, K8sObject[]>, key: string, o: K8sObject): void => {
        const list = map.get(key);
        if (list) list.push(o);
        else map.set(key, [o]);
      };
      for (const o of this.all()) {
        add(byKind, o.kind, o);
        if (o.name !== undefined) add(byName, `${o.kind}/${o.name}`, o);
      }
      this.kinds = { byKind, byName };
    }
    return this.kinds;
  }

  /** workload returns the cached workload view of an object. */
  workload(obj: K8sObject): WorkloadInfo | undefined {
    if (!this.workloads.has(obj)) this.workloads.set(obj, workloadOf(obj));
    return this.workloads.get(obj);
  }

  /**
   * resolveTarget finds the object a `scaleTargetRef` points at: same kind and name, and the same
   * namespace when both sides state one (a manifest without a namespace is applied to the namespace of
   * the command, so it may match any). Prefers an object in the same file.
   */
  resolveTarget(from: K8sObject, ref?: TargetRef): K8sObject | undefined {
    if (ref) return this.findTarget(from, ref);
    // Every rule of every autoscaler asks for its target: one search per autoscaler and generation.
    if (!this.targets.has(from)) this.targets.set(from, this.findTarget(from, targetRefOf(from)));
    return this.targets.get(from);
  }

  private findTarget(from: K8sObject, ref: TargetRef | undefined): K8sObject | undefined {
    if (!ref) return undefined;
    let best: K8sObject | undefined;
    for (const o of this.named(ref.kind, ref.name)) {
      if (from.namespace && o.namespace && from.namespace !== o.namespace) continue;
      if (ref.apiVersion && o.apiVersion !== ref.apiVersion) continue;
      if (o.file.uri === from.file.uri) return o;
      best ??= o;
    }
    return best;
  }

  /** autoscalersOf lists the HPAs and ScaledObjects whose target is the given workload (the index's own list: read only). */
  autoscalersOf(target: K8sObject): readonly K8sObject[] {
    if (!this.scalers) {
      this.scalers = new Map();
      for (const o of this.all()) {
        if (o.known !== 'ScaledObject' && o.known !== 'HorizontalPodAutoscaler') continue;
        const t = this.resolveTarget(o);
        if (!t) continue;
        const list = this.scalers.get(t);
        if (list) list.push(o);
        else this.scalers.set(t, [o]);
      }
    }
    return this.scalers.get(target) ?? NONE;
  }
}

const NONE: readonly K8sObject[] = [];
