//! Union-find over verified pairs, and the choice of one representative per
//! cluster.
//!
//! Union by smaller index makes the root of every set its smallest member, so
//! the clusters do not depend on the order pairs arrive in — one of the things
//! that keeps output identical across thread counts.

/// Disjoint sets over `0..n`.
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    pub fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n as u32).collect(),
        }
    }

    /// The smallest member of `x`'s set.
    pub fn find(&mut self, x: u32) -> u32 {
        let mut root = x;
        while self.parent[root as usize] != root {
            root = self.parent[root as usize];
        }
        let mut node = x;
        while self.parent[node as usize] != root {
            let next = self.parent[node as usize];
            self.parent[node as usize] = root;
            node = next;
        }
        root
    }

    pub fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi as usize] = lo;
        }
    }

    /// Sets with at least two members, each sorted, in order of smallest member.
    pub fn groups(&mut self) -> Vec<Vec<u32>> {
        let n = self.parent.len();
        let mut by_root: Vec<Vec<u32>> = vec![Vec::new(); n];
        for x in 0..n as u32 {
            let root = self.find(x);
            by_root[root as usize].push(x);
        }
        by_root.into_iter().filter(|g| g.len() > 1).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_do_not_depend_on_union_order() {
        let mut a = UnionFind::new(6);
        a.union(4, 5);
        a.union(1, 4);
        a.union(2, 3);
        let mut b = UnionFind::new(6);
        b.union(2, 3);
        b.union(5, 1);
        b.union(4, 1);
        assert_eq!(a.groups(), vec![vec![1, 4, 5], vec![2, 3]]);
        assert_eq!(a.groups(), b.groups());
        assert_eq!(a.find(5), 1);
    }
}
