import type { Ranked } from "./share-order.js";
import { ShareOrder } from "./share-order.js";
import { addInto, dominantShare, subInto, type Vec } from "./scalar-vector.js";

/**
 * Hierarchical DRF over the role tree, as Mesos's hierarchical sorter: siblings are ordered by
 * weighted dominant share of their whole subtree, and the allocation order is a depth-first
 * walk that visits the lower-share sibling first. A role that has children and frameworks of
 * its own competes with its children through a "self" leaf (Mesos's virtual "a/." node).
 */

interface Entry extends Ranked {
  readonly kind: "node" | "self";
  readonly path: string;
  /** Allocation of this entry: the whole subtree for a node, the role itself for a self leaf. */
  readonly allocated: Vec;
  weight: number;
}

interface RoleNode extends Entry {
  readonly kind: "node";
  readonly parent: RoleNode | undefined;
  readonly self: SelfLeaf;
  readonly children: ShareOrder<Entry>;
  readonly childNodes: Map<string, RoleNode>;
  /** Number of roles in this subtree that have frameworks: empty subtrees are skipped. */
  activeLeaves: number;
}

interface SelfLeaf extends Entry {
  readonly kind: "self";
  readonly node: RoleNode;
  /** Frameworks subscribed to exactly this role. */
  frameworks: number;
}

export interface RoleShare {
  role: string;
  share: number;
  weight: number;
  allocated: Vec;
}

export class RoleSorter {
  private readonly root: RoleNode;
  private readonly nodes = new Map<string, RoleNode>();
  private readonly weights = new Map<string, number>();
  private total: Vec = [];
  private sharesStale = false;
  private orderVersion = 0;
  private cachedOrder: string[] = [];
  private cachedOrderVersion = -1;

  constructor() {
    this.root = this.makeNode("", undefined);
  }

  private makeNode(path: string, parent: RoleNode | undefined): RoleNode {
    const weight = this.weights.get(path) ?? 1;
    const node: Omit<RoleNode, "self"> & { self?: SelfLeaf } = {
      kind: "node",
      key: path,
      path,
      share: 0,
      sortedShare: 0,
      allocated: [],
      weight,
      parent,
      children: new ShareOrder<Entry>(),
      childNodes: new Map(),
      activeLeaves: 0,
    };
    node.self = {
      kind: "self",
      // "" sorts before any child path, so a role's own frameworks win ties with its children.
      key: "",
      path,
      share: 0,
      sortedShare: 0,
      allocated: [],
      weight,
      node: node as RoleNode,
      frameworks: 0,
    };
    node.children.add(node.self);
    return node as RoleNode;
  }

  private node(role: string): RoleNode {
    let node = this.nodes.get(role);
    if (node !== undefined) return node;
    const slash = role.lastIndexOf("/");
    const parent = slash > 0 ? this.node(role.slice(0, slash)) : this.root;
    node = this.makeNode(role, parent);
    this.nodes.set(role, node);
    parent.childNodes.set(role, node);
    this.refreshShare(node);
    parent.children.add(node);
    this.orderVersion++;
    return node;
  }

  /** A framework subscribed to `role`. */
  addFramework(role: string): void {
    const node = this.node(role);
    if (node.self.frameworks++ === 0) {
      for (let n: RoleNode | undefined = node; n !== undefined; n = n.parent) n.activeLeaves++;
      this.orderVersion++;
    }
  }

  /** A framework left `role`; the role stays in the tree while it holds resources. */
  removeFramework(role: string): void {
    const node = this.nodes.get(role);
    if (node === undefined || node.self.frameworks === 0) return;
    if (--node.self.frameworks === 0) {
      for (let n: RoleNode | undefined = node; n !== undefined; n = n.parent) n.activeLeaves--;
      this.orderVersion++;
    }
  }

  frameworkCount(role: string): number {
    return this.nodes.get(role)?.self.frameworks ?? 0;
  }

  /** Adds (sign 1) or removes (sign -1) an allocation to `role`, rolling it up to its ancestors. */
  allocated(role: string, quantities: Vec, sign: 1 | -1): void {
    const node = this.node(role);
    const apply = sign === 1 ? addInto : subInto;
    apply(node.self.allocated, quantities);
    this.reposition(node.self, node);
    for (let n: RoleNode | undefined = node; n !== undefined && n !== this.root; n = n.parent) {
      apply(n.allocated, quantities);
      this.reposition(n, n.parent!);
    }
    apply(this.root.allocated, quantities);
  }

  private reposition(entry: Entry, parent: RoleNode): void {
    if (this.sharesStale) return;
    entry.share = dominantShare(entry.allocated, this.total, entry.weight);
    if (parent.children.update(entry)) this.orderVersion++;
  }

  private refreshShare(entry: Entry): void {
    entry.share = dominantShare(entry.allocated, this.total, entry.weight);
  }

  /** The cluster total that shares are computed against; every share changes with it. */
  setTotal(total: Vec): void {
    this.total = total;
    this.sharesStale = true;
  }

  setWeight(role: string, weight: number): void {
    if (weight === 1) this.weights.delete(role);
    else this.weights.set(role, weight);
    const node = this.nodes.get(role);
    if (node !== undefined) {
      node.weight = weight;
      node.self.weight = weight;
    }
    this.sharesStale = true;
  }

  weight(role: string): number {
    return this.weights.get(role) ?? 1;
  }

  private refreshAll(): void {
    if (!this.sharesStale) return;
    this.sharesStale = false;
    const visit = (node: RoleNode): void => {
      this.refreshShare(node.self);
      for (const child of node.childNodes.values()) {
        this.refreshShare(child);
        visit(child);
      }
      node.children.resort();
    };
    visit(this.root);
    this.orderVersion++;
  }

  /** Roles that have frameworks, in allocation order (lowest weighted share first). */
  order(): readonly string[] {
    this.refreshAll();
    if (this.cachedOrderVersion === this.orderVersion) return this.cachedOrder;
    const out: string[] = [];
    this.walk(this.root, out);
    this.cachedOrder = out;
    this.cachedOrderVersion = this.orderVersion;
    return out;
  }

  private walk(node: RoleNode, out: string[]): void {
    for (const entry of node.children.sorted) {
      if (entry.kind === "self") {
        if ((entry as SelfLeaf).frameworks > 0) out.push(entry.path);
      } else if ((entry as RoleNode).activeLeaves > 0) {
        this.walk(entry as RoleNode, out);
      }
    }
  }

  /** Weighted dominant share of a role's subtree (0 for an unknown role). */
  share(role: string): number {
    this.refreshAll();
    return this.nodes.get(role)?.share ?? 0;
  }

  /** Non-revocable scalar allocation of a role's subtree. */
  allocation(role: string): Vec {
    return this.nodes.get(role)?.allocated ?? [];
  }

  /** Every known role with its subtree share, parents before children. */
  shares(): RoleShare[] {
    this.refreshAll();
    const out: RoleShare[] = [];
    for (const [role, node] of this.nodes) {
      out.push({ role, share: node.share, weight: node.weight, allocated: node.allocated.slice() });
    }
    return out.sort((a, b) => (a.role < b.role ? -1 : 1));
  }
}
